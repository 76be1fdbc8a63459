/**
 * Typed events out of the engine. The Ink TUI, the plain line renderer,
 * `--json`, pino logs and the write-ahead journal all consume this one stream;
 * nothing else leaves the engine. A `*.started` event is journaled before
 * its step runs, the matching `*.finished` after.
 */
import type { Plan, PackageChange } from '../plan/types.js';
import type { ApprovalRule } from '../core/approvals.js';
import type { GateDecision, Measurement, Versions } from '../core/values.js';
import { ExitCode } from '../core/exit-codes.js';
import type { AnalysisMeasurement, AnalysisPhase, Tally } from '../core/analysis.js';
import type { HostStepPoint } from '../spec/model.js';

export type { HostStepPoint } from '../spec/model.js';

/** Where a host failed: a step of its pipeline, or one of the playbook's steps at a point of it. */
export type HostStep = 'preflight' | 'drain' | 'upgrade' | 'health' | 'return' | 'rollback' | HostStepPoint;

export type RunResult =
  | 'succeeded' // every planned host at the committed versions, in rotation
  | 'nothing-to-do' // the fleet already matched the commit
  | 'rolled-back' // a host failed; its batch is back on the old versions
  | 'halted' // a host failed and was left out of rotation (onFailure: halt)
  | 'degraded' // every batch went through, but a host of the rollout is not serving at the end (DOWN after its return)
  | 'aborted' // an operator stopped the run (abort at a gate, Ctrl-C)
  | 'lease-lost' // the run's lease on the lock could no longer be proven its own: it stopped at once, hosts left for the taker
  | 'invalid'; // preflight refused before any host changed

/** The exit code of each result, as docs/commands.md tabulates them, from the one table (core/exit-codes.ts). */
export const EXIT_CODE: Record<RunResult, ExitCode> = {
  succeeded: ExitCode.done,
  'nothing-to-do': ExitCode.done,
  'rolled-back': ExitCode.rolloutFailed,
  halted: ExitCode.rolloutFailed,
  degraded: ExitCode.rolloutFailed,
  'lease-lost': ExitCode.leaseLost,
  aborted: ExitCode.aborted,
  invalid: ExitCode.badInput,
};

/** One metric of a batch's analysis: every measurement so far, counted, and what they add up to. */
export interface MetricReport {
  name: string;
  verdict: AnalysisPhase;
  counts: Tally;
  measurements: AnalysisMeasurement[];
}

export interface HostOut {
  host: string;
  group: string;
  reason: string;
}

export type RunEventBody =
  | {
      type: 'run.started';
      rollout: string;
      environment: string;
      commit: { sha: string; subject: string };
      operator: string;
      plan: Plan;
      /** Set when this run continues an interrupted one. */
      resumes?: string;
    }
  | { type: 'preflight.finished'; ok: boolean; problems: string[] }
  | { type: 'batch.started'; batch: number; batches: number; group: string; hosts: string[] }
  | { type: 'host.drain.started'; host: string; group: string; loadBalancers: string[] }
  | { type: 'host.drain.finished'; host: string; sessions: number; timedOut: boolean }
  | {
      type: 'host.upgrade.started';
      host: string;
      changes: PackageChange[];
      /**
       * Write-ahead: what the host had before this run changed it — what a
       * rollback, and a resumed rollback, installs whatever the host shows
       * later. (Absent in journals written before it was recorded here.)
       */
      before?: Versions;
    }
  | { type: 'host.upgrade.finished'; host: string; before: Versions; after: Versions }
  | {
      type: 'host.health.checked';
      host: string;
      check: string;
      measurement: Measurement;
      /** Consecutive rounds in which every check passed. */
      passes: number;
      threshold: number;
    }
  | { type: 'host.health.finished'; host: string; healthy: boolean; reason?: string }
  | { type: 'host.return.started'; host: string }
  | { type: 'host.return.finished'; host: string }
  | { type: 'host.done'; host: string; changed: boolean }
  | { type: 'host.failed'; host: string; group: string; step: HostStep; reason: string; outOfRotation: boolean }
  | { type: 'host.rollback.started'; host: string; to: Versions }
  | {
      type: 'host.step.started';
      host: string;
      point: HostStepPoint;
      /** 1-based, of `of` at this point. */
      index: number;
      of: number;
      /** As run: templates resolved. */
      argv: string[];
      /** Part of a rollback (the same steps run around the rollback install). */
      rollback: boolean;
    }
  | { type: 'host.step.finished'; host: string; point: HostStepPoint; index: number; ok: boolean; reason?: string }
  | { type: 'run.step.started'; when: 'before' | 'after'; host: string; index: number; of: number; argv: string[] }
  | { type: 'run.step.finished'; when: 'before' | 'after'; host: string; index: number; ok: boolean; reason?: string }
  /** A host the run holds out of rotation was found `ready` again (a load balancer restart or reload) and put back in maint. */
  | { type: 'host.rotation.reasserted'; host: string; loadBalancer: string; found: string; ok: boolean }
  /** A load balancer's process changed under the run: every host it holds is checked at once. */
  | { type: 'lb.restarted'; loadBalancer: string; detail: string }
  | { type: 'host.rollback.finished'; host: string; ok: boolean; reason?: string }
  | { type: 'batch.finished'; batch: number; batches: number; ok: boolean }
  | {
      type: 'analysis.started';
      batch: number;
      batches: number;
      count: number;
      intervalMs: number;
      metrics: Array<{ name: string; provider: 'haproxy' | 'prometheus'; pass: string; fail?: string }>;
    }
  | {
      type: 'analysis.measured';
      batch: number;
      metric: string;
      /** 1-based, of `count`. */
      index: number;
      count: number;
      measurement: AnalysisMeasurement;
    }
  | {
      type: 'analysis.finished';
      batch: number;
      batches: number;
      /** The worst of its metrics. */
      verdict: AnalysisPhase;
      /** What decided it, in words. */
      reason: string;
      metrics: MetricReport[];
      /** What the run does with it: go on, the strategy's onFailure, or ask a person. */
      action: 'continue' | 'fail' | 'ask';
      /** Set when the measuring ended early (a fail, a stop). */
      stoppedEarly?: boolean;
    }
  | {
      type: 'gate.waiting';
      afterBatch: number;
      batches: number;
      /** analysis: an inconclusive analysis waits for a person, whatever `--yes` says. */
      pause: 'approve' | 'timed' | 'analysis';
      /** Epoch ms when a timed pause ends. */
      until?: number;
      summary: string;
      /** At an analysis gate: every measurement it is asked about. */
      analysis?: MetricReport[];
      /** Distinct approvals the gate needs (the inventory's `approvals.required`), when a person answers it. */
      required?: number;
    }
  | ({
      /** An approval the rules counted; the gate waits for `stillNeeded` more. */
      type: 'gate.approval';
      stillNeeded: number;
    } & AnswerWho)
  | ({
      /** An answer the approval rules refused: the gate (or the batch) goes on as if it had not come. */
      type: 'gate.refused';
      decision: GateDecision;
      rule: ApprovalRule;
      message: string;
      stillNeeded: number;
    } & AnswerWho)
  | ({
      type: 'gate.answered';
      decision: GateDecision;
      /** Set when `lieutenant abort` came while the run was working on this batch, not waiting at a gate. */
      during?: number;
      /** Every approver's identity, when the gate needed more than one. */
      approvedBy?: string[];
    } & AnswerWho)
  | { type: 'run.stopping'; reason: string; force: boolean }
  | {
      type: 'run.finished';
      result: RunResult;
      exitCode: number;
      message: string;
      changed: string[];
      hostsOut: HostOut[];
      durationMs: number;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** Who answered a gate, from where, and how that is known (see GateAnswer). */
export interface AnswerWho {
  by: string;
  reason?: string;
  identity?: string;
  from?: string;
  proof?: 'signature' | 'claim' | 'auto';
}

export type RunEventType = RunEventBody['type'];

export type RunEvent = RunEventBody & {
  runId: string;
  /** Position in the run, from 1; resumed runs continue the count. */
  seq: number;
  /** ISO 8601. */
  at: string;
};

export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

export type RunEventListener = (event: RunEvent) => void;
