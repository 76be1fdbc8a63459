/**
 * `lieutenant approve [RUN] [--env ENV] [--reason TEXT]`: answers a waiting
 * pause gate from any clone of the rollout repo — of a run in this checkout,
 * or held anywhere else, through the remote. Thin: flags in, `answerGate` out.
 */
import type { Command } from 'commander';
import type { GateDecision } from '../engine/index.js';
import { answerGate, type AnswerRefusal, type AnswerSent } from '../app/answer-service.js';
import { approvalsLeft } from '../ui/describe.js';
import { repoDirOf, type CliContext } from './context.js';
import { AbortError } from './errors.js';
import { examples } from './usage.js';

export interface AnswerFlags {
  reason?: string;
  env?: string;
  remote?: string;
}

/** The shared action of `approve` and `abort`: exit 2 (nothing changed) when there is no gate or the rules refuse. */
export async function answerCommand(
  decision: GateDecision,
  run: string | undefined,
  flags: AnswerFlags,
  command: Command,
  context: CliContext,
): Promise<void> {
  const answered = await answerGate({
    repoDir: repoDirOf(command, context),
    decision,
    run,
    environment: flags.env,
    reason: flags.reason,
    remote: flags.remote,
  });
  if (!answered.ok) throw refusalError(decision, answered.error);
  context.io.stdout.write(`${sentLine(answered.value)}\n`);
}

function refusalError(decision: GateDecision, refusal: AnswerRefusal): AbortError {
  if (refusal.kind !== 'rule')
    return new AbortError(
      `lieutenant ${decision}: ${refusal.message}`,
      refusal.details.filter(Boolean).join('\n') || undefined,
    );
  const waits = decision === 'approve' ? `; the gate still needs ${approvalsLeft(refusal.stillNeeded)}` : '';
  return new AbortError(
    `lieutenant ${decision}: refused by approvals.${refusal.rule === 'yes' ? 'required' : refusal.rule}: ${refusal.message}${waits}`,
    `the refusal is recorded in run ${refusal.runId}'s journal`,
  );
}

const VERB: Record<GateDecision, string> = { approve: 'approved', abort: 'aborted', halt: 'halted' };
const THEN: Record<GateDecision, string> = {
  approve: '',
  abort: '; its batch is rolled back and the run stops',
  halt: '; the run stops',
};

function sentLine(sent: AnswerSent): string {
  const as = `as ${sent.answerer.by} <${sent.identity}>${sent.through.kind === 'remote' ? `, through ${sent.through.remote}` : ''}`;
  const { gate, judgement } = sent;
  if (gate === undefined)
    return `aborted run ${sent.runId} (${as}): its hosts in flight finish, then its batch is rolled back and it stops`;
  const at = `at the gate after batch ${gate.afterBatch}/${gate.batches}`;
  if (judgement.verdict === 'counted')
    return `approval of run ${sent.runId} ${at} counted (${as}); the gate still needs ${approvalsLeft(judgement.stillNeeded)}`;
  return `${VERB[sent.decision]} run ${sent.runId} ${at} (${as})${THEN[sent.decision]}`;
}

/** The flags `approve` and `abort` share. */
export function answerOptions(command: Command): Command {
  return command
    .option('--reason <text>', 'why, recorded with the answer')
    .option('--env <environment>', 'the run waiting in this environment (when several wait)')
    .option('--remote <name>', 'the remote answers travel through (default origin; none: this checkout only)');
}

export function register(program: Command, context: CliContext): void {
  answerOptions(
    program
      .command('approve')
      .summary('answers a waiting pause gate: go on')
      .addHelpText(
        'after',
        examples([
          ['lieutenant approve --reason "graphs fine"', 'the only run waiting at a gate goes on'],
          ['lieutenant approve --env production', 'the run waiting in production, held in any clone'],
        ]),
      )
      .description('answers a waiting pause gate from any clone of the rollout repo: go on')
      .argument('[run]', 'run id (default: the only run waiting)'),
  ).action((run: string | undefined, flags: AnswerFlags, command: Command) =>
    answerCommand('approve', run, flags, command, context),
  );
}
