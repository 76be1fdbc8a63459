/**
 * The TUI's one door: the CLI mounts it, passes its `approver` to the engine
 * and subscribes `onEvent` to the event stream. The engine never learns Ink
 * exists; Ctrl-C is the CLI's to act on (`onInterrupt`).
 */
import { render } from 'ink';
import type { RunEventListener } from '../../engine/index.js';
import type { Approver } from '../../engine/index.js';
import { createTuiController } from './controller.js';
import { RunTui } from './RunTui.js';

export interface RunTuiOptions {
  onInterrupt: (count: number) => void;
  /** Who answers gates from this keyboard; the run's operator when omitted. */
  operator?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  frameMs?: number;
}

export interface RunTuiHandle {
  readonly approver: Approver;
  readonly onEvent: RunEventListener;
  /** Resolves once the summary is drawn after `run.finished` (or on unmount). */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

export function renderRunTui(options: RunTuiOptions): RunTuiHandle {
  const controller = createTuiController({
    onInterrupt: options.onInterrupt,
    ...(options.operator === undefined ? {} : { operator: options.operator }),
  });
  const instance = render(<RunTui controller={controller} frameMs={options.frameMs ?? 100} />, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 10,
  });
  // Ask now: Ink resolves only a promise that exists when the TUI exits (on run.finished), else waitUntilExit never settles.
  const exited = instance.waitUntilExit();
  return {
    approver: controller.approver,
    onEvent: controller.onEvent,
    waitUntilExit: async () => {
      await exited;
    },
    unmount: () => instance.unmount(),
  };
}
