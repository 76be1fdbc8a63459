/**
 * `lieutenant revert [COMMIT] [--run] [--yes] [--fast] [--push]`: Git is how
 * a release is rolled back. Makes the revert commit, then (with --run) runs
 * each playbook it changed, so the fleet goes back to the previous versions.
 */
import type { Command } from 'commander';
import { revertService } from '../app/revert-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { watchRun } from './run.js';
import { shortSha } from '../core/sha.js';
import { examples } from './usage.js';
import { addFreezeFlags, freezeOverride, type FreezeFlags } from './freeze-flags.js';

interface RevertFlags extends FreezeFlags {
  run?: boolean;
  yes?: boolean;
  fast?: boolean;
  push?: boolean;
  json?: boolean;
  env?: string;
}

export function register(program: Command, context: CliContext): void {
  const command = program
    .command('revert [commit]')
    .summary('reverts a release in Git, then (--run) rolls the fleet back')
    .addHelpText(
      'after',
      examples([
        ['lieutenant revert --run --yes', 'revert the last release and apply it'],
        ['lieutenant revert 1a2b3c4 --push', 'only the revert commit, pushed'],
      ]),
    )
    .description('makes the revert commit in the rollout repo, then (with --run) rolls the fleet back to it')
    .option('--run', 'run the playbooks the revert changed (downgrades the fleet)')
    .option('--yes', 'approve pause gates automatically (never skips a health gate)')
    .option('--fast', 'skip pause gates entirely (never health gates)')
    .option('--push', 'push the revert commit to the remote')
    .option('--json', 'with --run: one JSON object per line')
    .option('--env <environment>', 'the environment whose last release to revert (default: the only one deployed)');
  addFreezeFlags(command).action(async (commit: string | undefined, flags: RevertFlags, self: Command) => {
    const { io } = context;
    const repoDir = repoDirOf(self, context);
    const override = freezeOverride(flags);
    const reverted = await revertService.commit({
      repoDir,
      ...(commit ? { commit } : {}),
      ...(flags.env ? { environment: flags.env } : {}),
      push: flags.push === true,
      ...(flags.run ? { forRun: override ? { overrideFreeze: override } : {} } : {}),
    });
    if (!reverted.ok) return context.setExitCode(reportFailure(reverted.error, context));
    const { revertSha, reverted: release, rollouts, pushedTo } = reverted.value;
    io.stderr.write(
      `reverted ${shortSha(release.sha)} "${release.subject}" in ${shortSha(revertSha)}${pushedTo ? `, pushed to ${pushedTo}` : ''}\n`,
    );
    if (!flags.run) {
      io.stderr.write(
        `to roll the fleet back: lieutenant run ${rollouts.join(' / ') || 'PLAYBOOK'} (or revert with --run next time)\n`,
      );
      return;
    }
    let worst = 0;
    for (const rollout of rollouts) {
      const code = await watchRun(
        { yes: flags.yes === true || flags.fast === true, json: flags.json === true },
        context,
        (views) =>
          revertService.run({
            repoDir,
            rollout,
            revertSha,
            fast: flags.fast === true,
            ...views,
            ...(override ? { overrideFreeze: override } : {}),
          }),
      );
      worst = Math.max(worst, code);
      if (code !== 0) break;
    }
    context.setExitCode(worst);
  });
}
