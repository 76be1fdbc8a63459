/**
 * Refused webhook requests are worth an event each — until someone sprays
 * the port. Then the first few in each window are reported as they come, and
 * the rest as one summary when the window closes, so a flood cannot fill the
 * log (or the terminal) at the rate it arrives.
 */
export interface Rejection {
  status: number;
  reason: string;
}

export interface RejectionLog {
  report(rejection: Rejection): void;
  /** Reports what is still held back, and stops the window timer. */
  close(): void;
}

export function rejectionLog(
  onRejected: ((rejection: Rejection) => void) | undefined,
  limits: { perWindow: number; windowMs: number },
): RejectionLog {
  let reported = 0;
  let held = 0;
  let last: Rejection | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (held > 0 && last)
      onRejected?.({
        status: last.status,
        reason: `${held} more request(s) refused in ${limits.windowMs / 1000}s, not reported one by one (the last: ${last.reason})`,
      });
    reported = 0;
    held = 0;
    timer = undefined;
  };
  return {
    report: (rejection) => {
      if (timer === undefined) {
        timer = setTimeout(flush, limits.windowMs);
        timer.unref();
      }
      if (reported < limits.perWindow) {
        reported++;
        onRejected?.(rejection);
      } else {
        held++;
        last = rejection;
      }
    },
    close: () => {
      clearTimeout(timer);
      flush();
    },
  };
}
