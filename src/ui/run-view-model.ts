/**
 * The shape of the run view (see run-view.ts for how events fold into it).
 * Plain data: the TUI, the line renderer and the JSON summary read it.
 */
import type { HostOut, HostStep, RunResult } from '../engine/index.js';
import type { AnalysisMeasurement, AnalysisPhase, GateDecision, Measurement, Versions } from '../engine/index.js';
import type { Plan } from '../plan/types.js';
import { createHostTable, type HostTable } from './host-table.js';

/** How loud a line is: the plain renderer and the TUI colour by it. */
export type Level = 'info' | 'warn' | 'error';

export type HostState =
  | 'waiting'
  | 'draining'
  | 'upgrading'
  | 'checking'
  | 'returning'
  | 'done'
  | 'failed'
  | 'rolling-back'
  | 'rolled-back'
  | 'unchanged';

export const HOST_STATES: readonly HostState[] = [
  'waiting',
  'draining',
  'upgrading',
  'checking',
  'returning',
  'done',
  'failed',
  'rolling-back',
  'rolled-back',
  'unchanged',
];

/** States in which something is happening to the host right now. */
export const WORKING_STATES: ReadonlySet<HostState> = new Set([
  'draining',
  'upgrading',
  'checking',
  'returning',
  'rolling-back',
]);

export type Rotation = 'in' | 'draining' | 'out';
export type StateCounts = Record<HostState, number>;

export interface HostView {
  name: string;
  group: string;
  /** 1-based batch index, undefined for hosts in no batch (already converged). */
  batch: number | undefined;
  state: HostState;
  rotation: Rotation;
  /** Versions before → after: planned at first, then as the host reported them. */
  from: Versions;
  to: Versions;
  step: HostStep | undefined;
  /** Epoch ms the current step started. */
  stepStartedAt: number | undefined;
  passes: number;
  threshold: number;
  lastCheck: { check: string; phase: Measurement['phase']; reason: string | undefined } | undefined;
  /** Why the host failed (or its rollback did). */
  reason: string | undefined;
  rollingBack: boolean;
  /** Left alone by this run: who cordoned it, why, until when. */
  cordon?: string;
}

export interface BatchView {
  index: number;
  batches: number;
  group: string;
  hosts: readonly string[];
  status: 'pending' | 'running' | 'done' | 'failed';
  counts: StateCounts;
}

export interface GroupView {
  name: string;
  size: number;
  inRotation: number;
  draining: number;
  out: number;
}

export interface MetricView {
  name: string;
  provider: 'haproxy' | 'prometheus';
  pass: string;
  fail: string | undefined;
  measurements: readonly AnalysisMeasurement[];
  /** Once the analysis is over. */
  verdict: AnalysisPhase | undefined;
}

/** One batch's analysis, measured live. */
export interface AnalysisView {
  batch: number;
  count: number;
  intervalMs: number;
  metrics: readonly MetricView[];
  startedAt: number;
  verdict: AnalysisPhase | undefined;
  reason: string | undefined;
  action: 'continue' | 'fail' | 'ask' | undefined;
}

export interface GateView {
  afterBatch: number;
  batches: number;
  /** analysis: an inconclusive analysis asks a person; `--yes` does not answer it. */
  pause: 'approve' | 'timed' | 'analysis';
  until: number | undefined;
  summary: string;
  since: number;
  /** Distinct approvals the gate needs (1 unless the environment's `approvals.required` says more). */
  required: number;
  /** Who approved so far, when it needs more than one. */
  approvedBy: readonly string[];
}

export interface TailEntry {
  at: string;
  level: Level;
  text: string;
}

export interface RunView {
  header:
    | {
        runId: string;
        rollout: string;
        environment: string;
        commit: { sha: string; subject: string };
        operator: string;
        startedAt: number;
        resumes: string | undefined;
      }
    | undefined;
  plan: Plan | undefined;
  preflight: { ok: boolean; problems: string[] } | undefined;
  hosts: HostTable<HostView>;
  batches: readonly BatchView[];
  groups: ReadonlyMap<string, GroupView>;
  counts: StateCounts;
  activeBatch: number | undefined;
  gate: GateView | undefined;
  /** Every analysis so far, by batch order; the last one is the current or latest. */
  analyses: readonly AnalysisView[];
  /** Every gate answer so far, in order. */
  answers: readonly {
    afterBatch: number | undefined;
    decision: GateDecision;
    by: string;
    reason: string | undefined;
    at: string;
    /** Where the answer came from, when not from this run's own terminal. */
    from?: string;
  }[];
  stopping: { reason: string; force: boolean } | undefined;
  result:
    | {
        result: RunResult;
        exitCode: number;
        message: string;
        changed: string[];
        hostsOut: HostOut[];
        durationMs: number;
        finishedAt: number;
      }
    | undefined;
  tail: readonly TailEntry[];
  /** Epoch ms of the last event. */
  lastAt: number | undefined;
}

export const TAIL_LENGTH = 50;

export const emptyCounts = (): StateCounts => Object.fromEntries(HOST_STATES.map((state) => [state, 0])) as StateCounts;

export const initialRunView = (): RunView => ({
  header: undefined,
  plan: undefined,
  preflight: undefined,
  hosts: createHostTable(),
  batches: [],
  groups: new Map(),
  counts: emptyCounts(),
  activeBatch: undefined,
  gate: undefined,
  analyses: [],
  answers: [],
  stopping: undefined,
  result: undefined,
  tail: [],
  lastAt: undefined,
});
