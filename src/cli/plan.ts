/** `lieutenant plan PLAYBOOK [--json] [--rev REV]`: what `run` would do; changes nothing. */
import type { Command } from 'commander';
import { planService } from '../app/plan-service.js';
import { planText } from '../ui/plan-text.js';
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
      ]),
    )
    .description('reads installed versions over SSH; prints per-host changes and the batches; changes nothing')
    .option('--json', 'one JSON object: the plan')
    .option('--rev <rev>', 'the revision to plan', 'HEAD')
    .action(async (playbook: string, flags: { json?: boolean; rev: string }, command: Command) => {
      const { io } = context;
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
    });
}
