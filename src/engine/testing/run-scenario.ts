/** Runs a whole plan against a FakeWorld in virtual time and hands back everything it did. */
import { planRollout } from '../../plan/planner.js';
import type { FleetFacts, Plan } from '../../plan/types.js';
import type { GroupTarget } from '../../spec/model.js';
import { allOn, rolloutFixture, type RolloutFixture } from '../../testing/rollout-builder.js';
import type { RunEvent } from '../events.js';
import { executePlan } from '../execute.js';
import type { RunControl } from '../deps.js';
import type { AdminState, Approver, MetricProviders } from '../ports.js';
import { noMetrics } from './fake-metrics.js';
import { createManualClock } from './manual-clock.js';
import { FakeWorld, scriptedApprover, type FakeWorldOptions } from './fake-world.js';

const HTTP_CHECK: GroupTarget['checks'][number] = {
  kind: 'http',
  url: 'http://{{host.address}}:8080/health',
  status: 200,
  bodyContains: '{{packages.demo}}',
  timeoutMs: 1_000,
};

export interface Scenario {
  fixture: RolloutFixture;
  world?: Partial<FakeWorldOptions>;
  approver?: Approver;
  /** What the analysis reads (a plan without one must not read anything). */
  metrics?: MetricProviders;
  stop?: AbortController;
  /** What every host has installed before the run (default demo 1.0). */
  installedDemo?: string;
  onEvent?: (event: RunEvent) => void;
  /** Changes the world as an event is seen (a host dies after its return…). */
  afterEvent?: (event: RunEvent, world: FakeWorld) => void;
  /** Servers not in rotation before the run (left by an earlier run), and how. */
  initiallyOut?: Record<string, AdminState>;
  /** Per-host installed demo versions that differ from `installedDemo`. */
  installedOn?: Record<string, string>;
  /** Changes the plan before it runs: the executor must follow the plan, whatever the spec said. */
  editPlan?: (plan: Plan) => Plan;
  /** Extra steering of the run (an operator's abort signal…). */
  control?: Partial<Pick<RunControl, 'abort' | 'waitingGate'>>;
  /** host → package → the unfinished state an interrupted install left there (dpkg unpacked…). */
  unsettledOn?: Record<string, Record<string, string>>;
  /** Changes the facts the plan is made from (what a resumed run knows from the journal). */
  editFacts?: (facts: FleetFacts) => FleetFacts;
}

export async function runScenario({
  fixture,
  world: worldOptions,
  approver,
  metrics,
  stop,
  installedDemo,
  onEvent,
  afterEvent,
  initiallyOut,
  installedOn,
  editPlan,
  editFacts,
  unsettledOn,
  control,
}: Scenario) {
  const rollout = rolloutFixture({
    ...fixture,
    groups: (fixture.groups ?? [{ hosts: 4 }]).map((g) => ({ checks: [HTTP_CHECK], ...g })),
  });
  const installed = allOn(rollout, { demo: installedDemo ?? '1.0' });
  for (const [host, version] of Object.entries(installedOn ?? {})) installed[host] = { demo: version };
  const facts: FleetFacts = {
    installed,
    outOfRotation: Object.keys(initiallyOut ?? {}),
    ...(unsettledOn ? { unsettled: unsettledOn } : {}),
  };
  const planned = planRollout(rollout, editFacts ? editFacts(facts) : facts);
  const plan = editPlan ? editPlan(planned) : planned;
  const maxOut = plan.groups[0]?.maxUnavailable;
  const world = new FakeWorld({ hosts: installed as never, ...(maxOut ? { maxOut } : {}), ...worldOptions });
  for (const [host, state] of Object.entries(initiallyOut ?? {})) world.admin.set(host, state);
  Object.assign(world.unsettled, structuredClone(unsettledOn ?? {}));
  const events: RunEvent[] = [];
  const outcome = await executePlan(
    plan,
    {
      shells: world.shells(),
      packageManagers: world.packageManagers(),
      loadBalancers: world.loadBalancers(),
      probe: world.probe(),
      clock: createManualClock({ auto: true }),
      journal: world.journal(),
      approver: approver ?? scriptedApprover([]),
      metrics: metrics ?? noMetrics,
    },
    {
      runId: 'run-1',
      operator: 'alice',
      stop: (stop ?? new AbortController()).signal,
      force: new AbortController().signal,
      ...control,
      listeners: [
        (event) => events.push(event),
        ...(onEvent ? [onEvent] : []),
        ...(afterEvent ? [(event: RunEvent) => afterEvent(event, world)] : []),
      ],
    },
  );
  const of = <T extends RunEvent['type']>(type: T) =>
    events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  return { outcome, world, events, of, plan };
}
