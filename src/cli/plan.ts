/** `lieutenant plan PLAYBOOK [--json] [--rev REV]`: what `run` would do; changes nothing. */
import { Option, type Command } from 'commander';
import { planService } from '../app/plan-service.js';
import { planMarkdown } from '../ui/plan-markdown.js';
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
        ['lieutenant plan web --rev pr-42 --format markdown', 'what merging a branch would do, for its pull request'],
      ]),
    )
    .description('reads installed versions over SSH; prints per-host changes and the batches; changes nothing')
    .option('--json', 'one JSON object: the plan (as --format json)')
    .addOption(
      new Option('--format <format>', 'text, markdown or json').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('--rev <rev>', 'the revision to plan', 'HEAD')
    .action(
      async (
        playbook: string,
        flags: { json?: boolean; format: 'text' | 'markdown' | 'json'; rev: string },
        command: Command,
      ) => {
        const { io } = context;
        const planned = await planService({
          repoDir: repoDirOf(command, context),
          playbook,
          rev: flags.rev,
          signal: context.signal,
        });
        if (!planned.ok) return context.setExitCode(reportFailure(planned.error, context));
        for (const warning of planned.value.warnings) io.stderr.write(`warning: ${warning}\n`);
        const { plan } = planned.value;
        const format = flags.json ? 'json' : flags.format;
        if (format === 'json') io.stdout.write(`${JSON.stringify({ type: 'plan', plan })}\n`);
        else io.stdout.write(`${(format === 'markdown' ? planMarkdown : planText)(plan).join('\n')}\n`);
      },
    );
}
