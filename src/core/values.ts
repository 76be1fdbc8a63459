/**
 * Values that several layers share: what is installed on a host, how a load
 * balancer holds a server, what a check measured, how a gate was answered.
 * Plain data, no behaviour; the engine's ports and events speak in them.
 */

/** Package name → version; null: not installed. */
export type Versions = Record<string, string | null>;

/**
 * What a host has of some packages. A package on disk at a version but not
 * fully installed (dpkg: unpacked, half-configured…, after an interrupted
 * install) is at that version — a known state, never "absent" — and named in
 * `unsettled` with its state, so that it is repaired even when its version is
 * the one wanted.
 */
export interface Installed {
  versions: Versions;
  unsettled: Record<string, string>;
}

export type AdminState = 'ready' | 'drain' | 'maint';

/** Argo-style measurement: a failed check is a value, not an exception. */
export type Measurement =
  { phase: 'pass'; detail?: string } | { phase: 'fail'; reason: string } | { phase: 'error'; reason: string };

export type GateDecision = 'approve' | 'abort' | 'halt';

export interface GateAnswer {
  decision: GateDecision;
  by: string;
  reason?: string;
  /** Who answers as the approval rules see it: a signer's principal, else the git user.email claimed. */
  identity?: string;
  /** Where the answer came from: `user@host:/checkout`, through the remote or on this machine. */
  from?: string;
  /**
   * How `identity` is known: `signature` (verified against the allowed-signers
   * file), `claim` (the answering clone's git user.email, unverified), `auto`
   * (`--yes`). Undefined: an answer no person gave (the timer, the strategy).
   */
  proof?: 'signature' | 'claim' | 'auto';
  /** Why the answer's signature does not hold: missing, made by an unknown key, or not matching. */
  signatureProblem?: string;
}
