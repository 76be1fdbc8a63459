/**
 * Expected failures are values: an SSH error, a host that does
 * not drain, a failed check come back as `{ ok: false, error }`. Exceptions
 * are for bugs.
 */
export type Result<T, E = Failure> = { ok: true; value: T } | { ok: false; error: E };

export interface Failure {
  /** One line a person can act on: "web-02: apt-get install exited 100". */
  message: string;
  /** Extra text (stderr tail, HAProxy's answer), never secrets. */
  detail?: string;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const okVoid: Result<void, never> = { ok: true, value: undefined };
export const fail = (message: string, detail?: string): Result<never> => ({
  ok: false,
  error: detail === undefined ? { message } : { message, detail },
});
