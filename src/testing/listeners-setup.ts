/**
 * Tests run commands in-process (`runCli`), where `main()`'s
 * `setMaxListeners(0)` is not called: the same setting here, for the same
 * reason — every git process, SSH command, probe and wait of a run listens to
 * the run's signals, dozens at once, by design. Without it, vitest printed
 * MaxListenersExceededWarning for what the CLI process does by design.
 */
import { setMaxListeners } from 'node:events';

setMaxListeners(0);
