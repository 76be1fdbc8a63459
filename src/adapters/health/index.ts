/**
 * The `HealthProbe` port: measures one rendered check for one host. It never
 * throws; a check that could not be asked is `error`, one whose answer was
 * wrong is `fail` — both keep the health gate's round from passing.
 */
import type { HealthProbe, Measurement } from '../../engine/index.js';
import { measureCommand } from './command-check.js';
import { measureHttp } from './http-check.js';
import { measureTcp } from './tcp-check.js';

export { measureCommand, measureHttp, measureTcp };

export function createHealthProbe(): HealthProbe {
  return {
    async measure(check, host, shell, signal): Promise<Measurement> {
      try {
        switch (check.kind) {
          case 'http':
            return await measureHttp(check, signal);
          case 'tcp':
            return await measureTcp(check, host, signal);
          case 'command':
            return await measureCommand(check, shell, signal);
        }
      } catch (error) {
        // A bug in an adapter must not take the run down mid-gate; it reads as a failed measurement.
        return { phase: 'error', reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
