/**
 * NO_COLOR (no-color.org) for every output, the terminal UI included. Ink
 * colours through chalk, which decides once, when it is loaded, and reads
 * FORCE_COLOR but not NO_COLOR: so this module, imported first by main.ts,
 * turns a set NO_COLOR into FORCE_COLOR=0 before anything loads chalk. An
 * explicit FORCE_COLOR wins, as the convention says.
 */
export function colorEnv(env: NodeJS.ProcessEnv): { FORCE_COLOR?: string } {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return noColor && env.FORCE_COLOR === undefined ? { FORCE_COLOR: '0' } : {};
}

Object.assign(process.env, colorEnv(process.env));
