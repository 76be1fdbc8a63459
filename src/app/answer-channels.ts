/**
 * Every way a run's gates are answered, put together for one run: `--yes`,
 * the TUI's keys (as the run's operator), answer files from this checkout,
 * and — when the environment's lock is on a remote — the run's answer log
 * there, read every sixth of the lease (so an answer is picked up well
 * within two renewals). The engine judges gate answers by the inventory's
 * `approvals`; aborts sent mid-batch are judged here, refusals journaled.
 */
import { shortSha } from '../core/sha.js';
import { ok, type Result } from '../core/result.js';
import {
  admitAborts,
  answerer,
  autoApprover,
  createControlApprover,
  createRemoteAnswers,
  firstAnswer,
  refusalFeed,
  watchForAbort,
  type GateRules,
} from '../control/index.js';
import type { Approver, RunControl, RunEventListener } from '../engine/index.js';
import { verifySignature } from '../adapters/signature/ssh-signature.js';
import { gitRun } from '../records/git/git-run.js';
import type { Plan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { badInput, type AppFailure } from './failure.js';

export interface AnswerChannelsInput {
  repoDir: string;
  runId: string;
  rollout: Rollout;
  plan: Plan;
  operator: string;
  yes: boolean;
  /** The TUI's keys. */
  approvers: Approver[];
  /** The environment's lock on this remote: answers travel through it too. */
  shared?: { remote: string; leaseMs: number };
  onWarning: (message: string) => void;
}

export interface AnswerChannels {
  approver: Approver;
  abort: AbortSignal;
  refusals: NonNullable<RunControl['refusals']>;
  listeners: RunEventListener[];
  /** For the active-run entry: what `lieutenant approve` in this checkout checks before sending. */
  gateRules: GateRules;
  close(): Promise<void>;
}

export async function openAnswerChannels(input: AnswerChannelsInput): Promise<Result<AnswerChannels, AppFailure>> {
  const { repoDir, runId, rollout, plan } = input;
  const rules = rollout.approvals;
  const signers = await allowedSignersAt(rollout);
  if (!signers.ok) return signers;
  const allowedSigners = signers.value;
  const checked = allowedSigners === undefined ? {} : { signers: { text: allowedSigners, verify: verifySignature } };
  const author = plan.commit.author;
  const me = await answerer(repoDir);
  // The run's own terminal answers as its operator: a claim from git user.email, like any unsigned answer.
  const terminal = input.approvers.map((approver): Approver => ({
    await: async (request, signal) => ({
      ...(await approver.await(request, signal)),
      identity: me.identity,
      from: `${me.from} (the run's terminal)`,
      proof: 'claim',
    }),
  }));
  const refused = refusalFeed();
  const abortRules = { rules, ...checked };
  const local = await watchForAbort(repoDir, runId, 500, admitAborts(abortRules, refused.publish));
  const remote = input.shared
    ? createRemoteAnswers({
        repoDir,
        remote: input.shared.remote,
        runId,
        rollout: rollout.rollout,
        environment: rollout.environment,
        operator: input.operator,
        holder: me.from,
        commit: plan.commit.sha,
        rules,
        ...(author === undefined ? {} : { author }),
        ...checked,
        pollMs: answerPollMs(input.shared.leaseMs),
        onWarning: input.onWarning,
      })
    : undefined;
  const remoteRefusals = remote?.refusals(refused.publish);
  return ok({
    approver: firstAnswer([
      ...(input.yes ? [autoApprover(input.operator)] : []),
      ...terminal,
      createControlApprover(repoDir, runId, checked),
      ...(remote ? [remote.approver] : []),
    ]),
    abort: remote ? AbortSignal.any([local.signal, remote.abort]) : local.signal,
    refusals: refused.subscribe,
    listeners: remote ? [remote.listener] : [],
    gateRules: {
      rules,
      ...(author === undefined ? {} : { author }),
      ...(allowedSigners === undefined ? {} : { allowedSigners }),
    },
    close: async () => {
      local.close();
      remoteRefusals?.();
      await remote?.close();
    },
  });
}

/** A sixth of the lease (renewals come every third), between a quarter second and five seconds. */
export const answerPollMs = (leaseMs: number): number => Math.min(5_000, Math.max(250, Math.floor(leaseMs / 6)));

/** The allowed-signers file as committed in the commit being rolled out: a later commit cannot change who may sign. */
async function allowedSignersAt(rollout: Rollout): Promise<Result<string | undefined, AppFailure>> {
  const path = rollout.approvals.allowedSignersFile;
  if (path === undefined) return ok(undefined);
  const { repoDir, commit, inventoryPath } = rollout.source;
  const shown = await gitRun(repoDir, ['show', `${commit.sha}:./${path}`]);
  if (shown.code === 0 && shown.stdout.trim() !== '') return ok(shown.stdout);
  return {
    ok: false,
    error: badInput(
      `${inventoryPath}: approvals.allowedSignersFile: ${path} is not a committed file with signers in ${shortSha(commit.sha)}`,
      [
        'commit the file (one "PRINCIPAL KEY" per line, as ssh-keygen -Y verify reads it), relative to the rollout repo',
      ],
    ),
  };
}
