/** Everything the engine needs from outside, handed in (no hidden state). */
import type { Approver, Clock, HealthProbe, Journal, LoadBalancers, PackageManagers, RemoteShells } from './ports.js';
import type { RunEventListener } from './events.js';

export interface EngineDeps {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
  probe: HealthProbe;
  clock: Clock;
  journal: Journal;
  approver: Approver;
}

export interface RunControl {
  runId: string;
  operator: string;
  /** First Ctrl-C or `abort`: start nothing new, finish the hosts in flight, return them to rotation. */
  stop: AbortSignal;
  /** Second Ctrl-C: abandon the steps in flight too (hosts may stay out; `resume` brings them back). */
  force: AbortSignal;
  listeners: RunEventListener[];
  /** How often load balancers are polled while draining or returning. */
  pollMs?: number;
  /** Continue the numbering of an interrupted run's journal. */
  firstSeq?: number;
  /** Set when this run continues an interrupted one. */
  resumes?: string;
}
