/** Everything the engine needs from outside, handed in (no hidden state). */
import type { ApprovalRule } from '../core/approvals.js';
import type {
  Approver,
  Clock,
  GateAnswer,
  HealthProbe,
  Journal,
  LoadBalancers,
  MetricProviders,
  PackageManagers,
  RemoteShells,
} from './ports.js';
import type { MetricReport, RunEventListener } from './events.js';
import type { BatchPlan } from '../plan/types.js';
import type { AnalysisPhase } from '../core/analysis.js';

/**
 * Where an interrupted run stood after a batch it had finished: measuring the
 * batch's analysis, at the analysis gate with these measurements, or at the
 * pause gate. Resuming asks there again before any other host is touched.
 */
export interface WaitingGate {
  /** As the interrupted run planned it: its index and `batches` count are of that plan. */
  batch: BatchPlan;
  batches: number;
  at: 'analysis' | 'analysis-gate' | 'pause';
  /** At the analysis gate: what the person is asked about. */
  analysis?: { verdict: AnalysisPhase; reason: string; metrics: MetricReport[] };
}

export interface EngineDeps {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
  probe: HealthProbe;
  clock: Clock;
  journal: Journal;
  approver: Approver;
  /** Read by the analysis between batches; a plan without one never asks. */
  metrics: MetricProviders;
}

/** Who aborted the run and why, from an abort signal's reason. */
export function abortAnswer(signal: AbortSignal): GateAnswer {
  const reason: unknown = signal.reason;
  if (typeof reason === 'object' && reason !== null && 'by' in reason && typeof reason.by === 'string') {
    const why = 'reason' in reason && typeof reason.reason === 'string' ? reason.reason : undefined;
    return why === undefined ? { decision: 'abort', by: reason.by } : { decision: 'abort', by: reason.by, reason: why };
  }
  return { decision: 'abort', by: 'an operator' };
}

/**
 * Why a run may no longer act, as the reason of its `force` signal: the
 * lease on the environment's lock can no longer be proven its own. The run
 * then stops at once and ends `lease-lost`.
 */
export interface LeaseLapsedReason {
  kind: 'lease-lapsed';
  message: string;
}

/** The lapse behind an aborted signal, or undefined when it was aborted for another reason. */
export function leaseLapsedOf(signal: AbortSignal): LeaseLapsedReason | undefined {
  const reason: unknown = signal.reason;
  if (!signal.aborted || typeof reason !== 'object' || reason === null) return undefined;
  if (!('kind' in reason) || reason.kind !== 'lease-lapsed') return undefined;
  return { kind: 'lease-lapsed', message: 'message' in reason ? String(reason.message) : 'the lease lapsed' };
}

export interface RefusedAnswer {
  answer: GateAnswer;
  rule: ApprovalRule;
  message: string;
}

export interface RunControl {
  runId: string;
  operator: string;
  /** First Ctrl-C or `abort`: start nothing new, finish the hosts in flight, return them to rotation. */
  stop: AbortSignal;
  /**
   * Second Ctrl-C: abandon the steps in flight too (hosts may stay out;
   * `resume` brings them back). Its reason is a LeaseLapsedReason when the
   * run lost its lease: it then ends `lease-lost`.
   */
  force: AbortSignal;
  /**
   * `lieutenant abort`, at any moment: start nothing new, finish the hosts in
   * flight, roll the current batch back, end aborted. Its `reason` is the
   * operator's answer (who, why).
   */
  abort?: AbortSignal;
  /**
   * Answers the approval rules refused while no gate waited (an abort from
   * someone who may not answer): the engine journals each as `gate.refused`.
   * Returns the unsubscribe.
   */
  refusals?: (listener: (refusal: RefusedAnswer) => void) => () => void;
  listeners: RunEventListener[];
  /** How often load balancers are polled while draining or returning. */
  pollMs?: number;
  /** Continue the numbering of an interrupted run's journal. */
  firstSeq?: number;
  /** Set when this run continues an interrupted one. */
  resumes?: string;
  /** The interrupted run was after a batch, before its gates were answered: ask them first. */
  waitingGate?: WaitingGate;
}
