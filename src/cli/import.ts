/**
 * `lieutenant import ansible INVENTORY --env NAME [--groups LIST] [--force]`:
 * an Ansible inventory → inventories/NAME.yaml, then what to do next.
 */
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { importAnsible, type ImportDone } from '../app/import/import-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { ExitCode } from '../core/exit-codes.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

interface ImportFlags {
  env: string;
  groups?: string;
  force?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('import')
    .summary('an Ansible inventory as inventories/NAME.yaml')
    .description(
      'reads an Ansible inventory (INI, YAML, or the JSON of ansible-inventory --list) and writes ' +
        'inventories/NAME.yaml: groups (children flattened), ansible_host, and the SSH user, port, key file ' +
        'and become; what it cannot map is marked # not mapped. Load balancers and health checks are ' +
        "Lieutenant's own: add them before a run.",
    )
    .addArgument(new Argument('<source>', 'the kind of inventory').choices(['ansible']))
    .argument('<inventory>', 'the inventory file')
    .requiredOption('--env <name>', 'the environment: writes inventories/NAME.yaml')
    .option('--groups <list>', 'comma-separated Ansible groups to import, each with its children (default: all)')
    .option('--force', 'replace inventories/NAME.yaml if it exists')
    .addHelpText(
      'after',
      examples([
        ['lieutenant import ansible hosts.ini --env production', 'every group of an INI inventory'],
        ['lieutenant import ansible inventory.yml --env staging --groups web,db', 'two groups, flattened'],
        ['ansible-inventory -i inventory/ --list > all.json', 'a dynamic or split inventory, exported…'],
        ['lieutenant import ansible all.json --env production', '…then imported'],
      ]),
    )
    .action(async (_source: string, inventory: string, flags: ImportFlags, command: Command) => {
      const repoDir = repoDirOf(command, context);
      const done = await importAnsible({
        repoDir,
        inventoryPath: resolve(context.cwd, inventory),
        source: inventory,
        environment: flags.env,
        ...(flags.groups !== undefined ? { groups: flags.groups.split(',').map((group) => group.trim()) } : {}),
        force: flags.force === true,
      });
      context.setExitCode(done.ok ? printDone(done.value, flags.env, context) : reportFailure(done.error, context));
    });
}

function printDone(done: ImportDone, environment: string, { io }: CliContext): number {
  const hosts = done.groups.reduce((sum, group) => sum + group.hosts, 0);
  const lines = [
    `${done.replaced ? 'replaced' : 'wrote'} ${done.file} from ${done.format}: ${hosts} host${hosts === 1 ? '' : 's'} in ${done.groups.length} group${done.groups.length === 1 ? '' : 's'}`,
    ...done.groups.map(
      (group) => `  ${group.name}: ${group.hosts}${group.from === group.name ? '' : ` (Ansible group ${group.from})`}`,
    ),
    ...(done.notMapped.length > 0
      ? [
          `${done.notMapped.length} thing${done.notMapped.length === 1 ? '' : 's'} not mapped, listed at the end of the file`,
        ]
      : []),
    '',
    'next:',
    `  $EDITOR ${done.file}   # add loadBalancers and health checks; check packageManager`,
    `  $EDITOR playbooks/web.yaml   # inventory: ${environment}; targets: these groups`,
    '  git add -A && git commit -m "Import the Ansible inventory"',
    '  lieutenant validate',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.done;
}
