/** `lieutenant plan PLAYBOOK [--json] [--format FORMAT] [--rev REV] [--explain-ssh]`: what `run` would do; changes nothing. */
import { Option, type Command } from 'commander';
import { explainSshService, planService } from '../app/plan-service.js';
import { planMarkdown } from '../ui/plan-markdown.js';
import { explainSshText, planText } from '../ui/plan-text.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

interface PlanFlags {
  json?: boolean;
  format: 'text' | 'markdown' | 'json';
  rev: string;
  explainSsh?: boolean;
  includeCordoned?: boolean;
}

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
        ['lieutenant plan web --explain-ssh', "each host's SSH settings and where they came from"],
      ]),
    )
    .description('reads installed versions over SSH; prints per-host changes and the batches; changes nothing')
    .option('--json', 'one JSON object: the plan (as --format json)')
    .addOption(
      new Option('--format <format>', 'text, markdown or json').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('--rev <rev>', 'the revision to plan', 'HEAD')
    .option('--explain-ssh', "each host's SSH user, port, key, become, jump hosts: the value and where it came from")
    .option('--include-cordoned', 'plan cordoned hosts like any other')
    .action(async (playbook: string, flags: PlanFlags, command: Command) => {
      const { io } = context;
      const repoDir = repoDirOf(command, context);
      const json = flags.json || flags.format === 'json';
      if (flags.explainSsh) {
        const explained = await explainSshService({ repoDir, playbook, rev: flags.rev });
        if (!explained.ok) return context.setExitCode(reportFailure(explained.error, context));
        for (const warning of explained.value.warnings) io.stderr.write(`warning: ${warning}\n`);
        if (json) io.stdout.write(`${JSON.stringify({ type: 'ssh', hosts: explained.value.hosts })}\n`);
        else io.stdout.write(explainSshText(explained.value.hosts).join('\n') + '\n');
        return;
      }
      const planned = await planService({
        repoDir,
        playbook,
        rev: flags.rev,
        signal: context.signal,
        includeCordoned: flags.includeCordoned === true,
      });
      if (!planned.ok) return context.setExitCode(reportFailure(planned.error, context));
      for (const warning of planned.value.warnings) io.stderr.write(`warning: ${warning}\n`);
      const { plan } = planned.value;
      if (json) io.stdout.write(`${JSON.stringify({ type: 'plan', plan })}\n`);
      else io.stdout.write(`${(flags.format === 'markdown' ? planMarkdown : planText)(plan).join('\n')}\n`);
    });
}
