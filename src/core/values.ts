/**
 * Values that several layers share: what is installed on a host, how a load
 * balancer holds a server, what a check measured, how a gate was answered.
 * Plain data, no behaviour; the engine's ports and events speak in them.
 */

/** Package name → version; null: not installed. */
export type Versions = Record<string, string | null>;

export type AdminState = 'ready' | 'drain' | 'maint';

/** Argo-style measurement: a failed check is a value, not an exception. */
export type Measurement =
  { phase: 'pass'; detail?: string } | { phase: 'fail'; reason: string } | { phase: 'error'; reason: string };

export type GateDecision = 'approve' | 'abort' | 'halt';

export interface GateAnswer {
  decision: GateDecision;
  by: string;
  reason?: string;
}
