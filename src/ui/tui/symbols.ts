/** How host states look in the TUI: a word, a mark, a colour. */
import type { HostState } from '../run-view.js';

export const STATE_LABEL: Record<HostState, string> = {
  waiting: 'waiting',
  draining: 'draining',
  upgrading: 'upgrading',
  checking: 'checking',
  returning: 'returning',
  done: 'in rotation',
  failed: 'failed',
  'rolling-back': 'rolling back',
  'rolled-back': 'rolled back',
  unchanged: 'unchanged',
};

export const STATE_MARK: Partial<Record<HostState, string>> = {
  waiting: '·',
  done: '✔',
  failed: '✘',
  'rolled-back': '↩',
  unchanged: '=',
};

export const STATE_COLOR: Partial<Record<HostState, string>> = {
  done: 'green',
  failed: 'red',
  'rolling-back': 'yellow',
  'rolled-back': 'yellow',
  waiting: 'gray',
  unchanged: 'gray',
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame from the clock, so every row spins in step and tests can pin it. */
export const spinnerFrame = (now: number): string => SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '⠋';
