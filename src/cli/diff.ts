/** `lieutenant diff FROM [TO]`: the committed versions that change between two revisions; reads Git only. */
import { Option, type Command } from 'commander';
import { diffService } from '../app/diff-service.js';
import { diffMarkdown, diffText } from '../ui/diff-text.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('diff <from> [to]')
    .summary('the committed versions that change between two revisions')
    .description(
      'per rollout and group, every package whose committed version differs between FROM and TO (default HEAD); reads Git only, touches no host',
    )
    .addHelpText(
      'after',
      examples([
        ['lieutenant diff HEAD~1', 'what the last commit changed'],
        ['lieutenant diff origin/main HEAD --format markdown', 'a pull request against main, as a comment'],
      ]),
    )
    .addOption(
      new Option('--format <format>', 'text, markdown or json').choices(['text', 'markdown', 'json']).default('text'),
    )
    .action(
      async (
        from: string,
        to: string | undefined,
        flags: { format: 'text' | 'markdown' | 'json' },
        command: Command,
      ) => {
        const diffed = await diffService({ repoDir: repoDirOf(command, context), from, to: to ?? 'HEAD' });
        if (!diffed.ok) return context.setExitCode(reportFailure(diffed.error, context));
        const { stdout } = context.io;
        if (flags.format === 'json') stdout.write(`${JSON.stringify({ type: 'diff', ...diffed.value })}\n`);
        else stdout.write(`${(flags.format === 'markdown' ? diffMarkdown : diffText)(diffed.value).join('\n')}\n`);
      },
    );
}
