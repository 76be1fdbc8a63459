/**
 * The few ssh2 shapes this adapter touches. node-ssh's typings refer to
 * ssh2's, which are not installed (no @types/ssh2), so they arrive as `any`;
 * these narrow them at the boundary instead of letting `any` spread.
 */
import type { Duplex } from 'node:stream';

/** The ssh2 `Client` behind a connected NodeSSH. */
export interface Ssh2Client {
  on(event: 'close' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  setMaxListeners(n: number): unknown;
  forwardOut(
    srcIP: string,
    srcPort: number,
    dstIP: string,
    dstPort: number,
    callback: (error: Error | undefined, channel: Duplex) => void,
  ): unknown;
  /** OpenSSH's `direct-streamlocal@openssh.com`: a channel to a unix socket on the server. */
  openssh_forwardOutStreamLocal(
    socketPath: string,
    callback: (error: Error | undefined, channel: Duplex) => void,
  ): unknown;
}

/** An exec channel: ssh2's `ClientChannel`. */
export interface Ssh2Channel {
  /** Sends an RFC 4254 §6.9 signal ("KILL") to the remote process. */
  signal(name: string): unknown;
  close(): unknown;
}

/** What ssh2 puts on connection errors. */
export interface Ssh2Error extends Error {
  code?: string;
  level?: string;
}
