/**
 * How a fleet bench runs: `main(signal)`, stopped by Ctrl-C or SIGTERM. The
 * first signal stops the child in flight and lets main's `finally` tear the
 * fleet down; npm and tsx relay the signal again within milliseconds, so only
 * a second one, seconds later, leaves at once. Exit 0 with figures, 1 on a
 * failure, 130 when interrupted (whatever was in flight failed because of it:
 * ssh got the Ctrl-C too, so that is said plainly, not as an error).
 */
export function runBench(main: (signal: AbortSignal) => Promise<void>): void {
  const controller = new AbortController();
  let interruptedAt = 0;
  const onSignal = (name: string) => () => {
    if (controller.signal.aborted) {
      if (Date.now() - interruptedAt > 2_000) process.exit(130);
      return;
    }
    interruptedAt = Date.now();
    console.error(`\n${name}: stopping, then tearing the fleet down…`);
    controller.abort(new Error(`interrupted (${name})`));
  };
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGTERM', onSignal('SIGTERM'));

  main(controller.signal).then(
    () => (process.exitCode = 0),
    (error: Error) => {
      console.error(controller.signal.aborted ? 'bench: interrupted; no figures' : `bench: ${error.message}`);
      process.exitCode = controller.signal.aborted ? 130 : 1;
    },
  );
}
