/**
 * Which folder of src/ may import which: the direction of the house, checked
 * by `npm run check` (depcruise). Arrows point from importer to imported:
 *
 *   cli ──▶ ui ──▶ app ──▶ records · gitops · state · control ──▶ engine ──▶ plan ──▶ spec ──▶ core
 *                      └─▶ adapters ─────────────────────────────▶ engine
 *
 * - cli: flags into an options object, a service call, a view. Anything below.
 * - ui: the views. It renders the engine's events and the services' results
 *   (so it may read app's result types); app never imports a view.
 * - app: one service per command; it wires records, adapters and the engine.
 * - records (and, until they move into it, gitops, state and control): what
 *   Lieutenant writes and reads back. They store the engine's events and name
 *   spec's environments, so they sit above engine and spec, never above app.
 * - adapters: the real world behind the engine's ports (ports.ts), so they
 *   import the engine's port types; the engine never imports an adapter.
 * - engine executes a plan; plan is pure; spec reads and checks the specs;
 *   core is shared values with no imports of its own.
 *
 * Tests, fixtures and testing/ helpers may reach across (a test of a view
 * builds a real engine run; a docs test runs the CLI); the rules hold the
 * code that ships. On top of the folder direction, no runtime import cycle
 * between modules anywhere (a cycle through type-only imports is harmless).
 */
const TEST = '(\\.test\\.tsx?|\\.fixture\\.tsx?|\\.cases\\.ts)$|/testing/';

/** `folder` may import only itself and `allowed` (plus node and npm packages). */
function only(folder, allowed) {
  const inside = [folder, ...allowed].join('|');
  return {
    name: `${folder}-imports-only-${allowed.length === 0 ? 'itself' : allowed.join('-')}`,
    comment: `src/${folder} may import only ${allowed.length === 0 ? 'itself' : allowed.join(', ')} (see .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: TEST },
    to: { path: '^src/', pathNot: `^src/(${inside})/` },
  };
}

const RECORDS = ['records', 'gitops', 'state', 'control'];
const BELOW_RECORDS = ['engine', 'plan', 'spec', 'core'];

module.exports = {
  forbidden: [
    only('core', []),
    only('spec', ['core']),
    only('plan', ['spec', 'core']),
    only('engine', ['plan', 'spec', 'core']),
    only('adapters', BELOW_RECORDS),
    ...RECORDS.map((folder) => only(folder, [...RECORDS.filter((f) => f !== folder), ...BELOW_RECORDS])),
    only('app', ['adapters', ...RECORDS, ...BELOW_RECORDS]),
    only('ui', ['app', ...BELOW_RECORDS]),
    only('testing', ['spec', 'core']),
    {
      name: 'no-runtime-cycle',
      comment: 'modules that import each other at run time (type-only imports excepted)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
