/** `lieutenant plan PLAYBOOK [--json] [--rev REV]`: what `run` would do; changes nothing. */
import type { Command } from 'commander';
import { explainSshService, planService } from '../app/plan-service.js';
import { explainSshText, planText } from '../ui/plan-text.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('plan <playbook>')
    .summary('what run would change, host by host; changes nothing')
    .addHelpText(
      'after',
      examples([
        ['lieutenant plan web', 'playbooks/web.yaml at HEAD against the live fleet'],
        ['lieutenant plan web --rev HEAD~1 --json', 'the plan of an older commit, as JSON'],
        ['lieutenant plan web --explain-ssh', "each host's SSH settings and where they came from"],
      ]),
    )
    .description('reads installed versions over SSH; prints per-host changes and the batches; changes nothing')
    .option('--json', 'one JSON object: the plan')
    .option('--rev <rev>', 'the revision to plan', 'HEAD')
    .option('--explain-ssh', "each host's SSH user, port, key, become, jump hosts: the value and where it came from")
    .action(
      async (playbook: string, flags: { json?: boolean; rev: string; explainSsh?: boolean }, command: Command) => {
        const { io } = context;
        if (flags.explainSsh) {
          const explained = await explainSshService({ repoDir: repoDirOf(command, context), playbook, rev: flags.rev });
          if (!explained.ok) return context.setExitCode(reportFailure(explained.error, context));
          for (const warning of explained.value.warnings) io.stderr.write(`warning: ${warning}\n`);
          if (flags.json) io.stdout.write(`${JSON.stringify({ type: 'ssh', hosts: explained.value.hosts })}\n`);
          else io.stdout.write(explainSshText(explained.value.hosts).join('\n') + '\n');
          return;
        }
        const planned = await planService({
          repoDir: repoDirOf(command, context),
          playbook,
          rev: flags.rev,
          signal: context.signal,
        });
        if (!planned.ok) return context.setExitCode(reportFailure(planned.error, context));
        for (const warning of planned.value.warnings) io.stderr.write(`warning: ${warning}\n`);
        if (flags.json) io.stdout.write(`${JSON.stringify({ type: 'plan', plan: planned.value.plan })}\n`);
        else io.stdout.write(`${planText(planned.value.plan).join('\n')}\n`);
      },
    );
}
