/**
 * Steps: commands Lieutenant runs over SSH around the upgrade — per host at
 * fixed points of its pipeline (`targets.<group>.steps`), and once per run on
 * one named host (`steps.before` / `steps.after`). Each is an argv list,
 * never a shell string; templates are resolved per argument.
 */
import { z } from 'zod';
import { COUNT_BOUNDS, DURATION_BOUNDS, LENGTH_BOUNDS } from './bounds.js';
import { duration, orderedName, text } from './schema-values.js';

/** Where in a host's pipeline its steps run, in order. */
export const HOST_STEP_POINTS = ['beforeDrain', 'afterDrain', 'afterInstall', 'afterReturn'] as const;
export type HostStepPoint = (typeof HOST_STEP_POINTS)[number];

const STEP_TEMPLATES = '{{host.name}}, {{host.address}}, {{packages.NAME}}, {{run.id}}, {{commit.short}}';

const stepFields = {
  run: z
    .array(text.min(1, 'a non-empty argument'), { error: 'a list of arguments, such as [systemctl, restart, demo]' })
    .min(1, 'at least the program to run, such as [systemctl, restart, demo]')
    .max(LENGTH_BOUNDS.argv, `at most ${LENGTH_BOUNDS.argv} arguments`)
    .meta({
      description: `Program and arguments, run over SSH without a shell; each is quoted. Templates: ${STEP_TEMPLATES}`,
    }),
  timeout: duration(DURATION_BOUNDS['step.timeout'])
    .default('5m')
    .meta({ description: 'A step still running after this fails (and is stopped)' }),
  become: z.boolean().default(false).meta({ description: 'Run through sudo -n (the inventory user needs sudo)' }),
};

export const HostStep = z.strictObject(stepFields).meta({ description: 'One command run on each host of the group' });

const stepList = <T extends z.ZodType>(step: T) =>
  z.array(step).max(COUNT_BOUNDS.steps[1], `at most ${COUNT_BOUNDS.steps[1]} steps`).default([]);

export const HostSteps = z
  .strictObject({
    beforeDrain: stepList(HostStep).meta({ description: 'In rotation, before the drain (its slot is held)' }),
    afterDrain: stepList(HostStep).meta({ description: 'Out of rotation, before the install' }),
    afterInstall: stepList(HostStep).meta({ description: 'After the install, before the health gate' }),
    afterReturn: stepList(HostStep).meta({ description: 'Back in rotation and UP' }),
  })
  .meta({ description: 'Commands around each host of the group, at four points of its pipeline' });

export const RunStep = z
  .strictObject({
    host: orderedName('host').meta({ description: 'The host of the inventory it runs on' }),
    ...stepFields,
    always: z
      .boolean()
      .default(false)
      .meta({ description: 'after: run even when the run did not succeed (before: ignored)' }),
  })
  .meta({ description: 'One command run once per run, on one named host' });

export const RunSteps = z
  .strictObject({
    before: stepList(RunStep).meta({ description: 'After preflight, before the first host leaves rotation' }),
    after: stepList(RunStep).meta({ description: 'After the last batch, when the run succeeded (or always: true)' }),
  })
  .meta({ description: 'Commands once per run: database migrations, cache warm-up' });

export type HostStepSpec = z.output<typeof HostStep>;
export type RunStepSpec = z.output<typeof RunStep>;
