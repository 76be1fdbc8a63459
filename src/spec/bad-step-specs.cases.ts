/**
 * Bad specs of the playbook's steps — host steps per target group, run steps
 * once per run — in the shape of bad-specs.cases.ts, which includes them.
 */
import type { BadSpecCase } from './bad-specs.cases.js';

const PB = 'playbooks/web.yaml';
const PACKAGES = '      demo: "1.1"';
const DRAIN = '  timeout: 30s                 # wait for current sessions to reach 0, then maint';
/** Host steps after the web target's packages: line 7 is `steps:`, 8 the point, 9 the step. */
const hostSteps = (point: string, step: string) => ({
  [PB]: [[PACKAGES, `${PACKAGES}\n    steps:\n      ${point}:\n        - ${step}`]] as Array<[string, string]>,
});

export const BAD_STEP_SPECS: BadSpecCase[] = [
  {
    name: 'step written as a shell string',
    edit: hostSteps('afterInstall', 'run: "systemctl restart demo"'),
    at: 'playbooks/web.yaml:9:16',
    says: 'a list of arguments, such as [systemctl, restart, demo]',
  },
  {
    name: 'step point that does not exist',
    edit: hostSteps('afterInstal', 'run: [systemctl, restart, demo]'),
    at: 'playbooks/web.yaml:8:7',
    says: 'afterInstall',
  },
  {
    name: 'step template that does not exist',
    edit: hostSteps('beforeDrain', 'run: [puppet, agent, --disable, "{{run.ids}}"]'),
    at: 'playbooks/web.yaml:9:44',
    says: 'unknown template {{run.ids}}',
  },
  {
    name: 'step template naming a package the group does not get',
    edit: hostSteps('afterInstall', 'run: [echo, "{{packages.nginx}}"]'),
    at: 'playbooks/web.yaml:9:24',
    says: 'is not a package this playbook sets for group "web"',
  },
  {
    name: 'step timeout past an hour',
    edit: hostSteps('afterReturn', 'run: [true]\n          timeout: 2h'),
    at: 'playbooks/web.yaml:10:20',
    says: 'a duration from 1s to 1h',
  },
  {
    name: 'run step on a host the inventory lacks',
    edit: { [PB]: [[DRAIN, `${DRAIN}\nsteps:\n  before:\n    - host: web-09\n      run: [migrate]`]] },
    at: 'playbooks/web.yaml:21:13',
    says: 'host "web-09" is not in inventories/staging.yaml',
  },
];
