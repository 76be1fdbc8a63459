/**
 * What the answer log of a run holds, one record per commit: the holder's
 * `gate` (a gate is waiting, with the rules it is answered by), anyone's
 * `answer` (approve, abort or halt — signed when the environment asks), and
 * the holder's `closed` (that gate was answered, or the run ended). Parsed,
 * never trusted: anyone who may push to the remote may write here.
 */
import { z } from 'zod';

const Rules = z.object({
  required: z.number().int().min(1),
  approvers: z.array(z.string()).optional(),
  distinctFromAuthor: z.boolean(),
  allowedSignersFile: z.string().optional(),
});

export const GateRecord = z.object({
  kind: z.literal('gate'),
  runId: z.string().min(1),
  rollout: z.string(),
  environment: z.string(),
  afterBatch: z.number().int(),
  batches: z.number().int(),
  pause: z.enum(['approve', 'timed', 'analysis']),
  summary: z.string(),
  /** The commit being rolled out: the rules and the allowed signers are read there. */
  commit: z.string(),
  rules: Rules,
  author: z.string().optional(),
  /** The allowed-signers file at that commit, so that any clone can check a signature the holder will. */
  allowedSigners: z.string().optional(),
  /** Who holds the run, and where. */
  operator: z.string(),
  holder: z.string(),
  at: z.string(),
});

export const AnswerRecord = z.object({
  kind: z.literal('answer'),
  runId: z.string().min(1),
  /** The gate it answers; undefined for an abort sent while the run works on a batch. */
  afterBatch: z.number().int().optional(),
  decision: z.enum(['approve', 'abort', 'halt']),
  by: z.string(),
  /** The answering clone's git user.email: a claim, unless the signature's principal says otherwise. */
  identity: z.string(),
  from: z.string(),
  reason: z.string().optional(),
  sentAt: z.string(),
  /** Makes every answer's signed text unique. */
  nonce: z.string(),
  /** `ssh-keygen -Y sign` over `signedText(record)`, armored. */
  signature: z.string().optional(),
});

export const ClosedRecord = z.object({
  kind: z.literal('closed'),
  runId: z.string().min(1),
  /** The gate answered; undefined: the run ended. */
  afterBatch: z.number().int().optional(),
  at: z.string(),
});

export const AnswerLogRecord = z.discriminatedUnion('kind', [GateRecord, AnswerRecord, ClosedRecord]);

export type GateRecord = z.infer<typeof GateRecord>;
export type AnswerRecord = z.infer<typeof AnswerRecord>;
export type ClosedRecord = z.infer<typeof ClosedRecord>;
export type AnswerLogRecord = z.infer<typeof AnswerLogRecord>;

/** A record as read from the log, with the commit that holds it. */
export type Logged<T extends AnswerLogRecord = AnswerLogRecord> = T & { oid: string };

/** The namespace of answer signatures (`ssh-keygen -Y sign -n`): a signature made for Git commits does not pass. */
export const SIGNATURE_NAMESPACE = 'lieutenant-answer';

/** The text an answer's signature covers: every field but the signature, in a fixed order. */
export function signedText(record: Omit<AnswerRecord, 'signature'>): string {
  const { kind, runId, afterBatch, decision, by, identity, from, reason, sentAt, nonce } = record;
  return `${JSON.stringify({ kind, runId, afterBatch: afterBatch ?? null, decision, by, identity, from, reason: reason ?? null, sentAt, nonce })}\n`;
}

/** The gate a log says is waiting now, with the answers it has had so far; undefined when none is. */
export function waitingGate(
  records: readonly Logged[],
): { gate: Logged<GateRecord>; answers: Logged<AnswerRecord>[] } | undefined {
  let gate: Logged<GateRecord> | undefined;
  let answers: Logged<AnswerRecord>[] = [];
  for (const record of records) {
    if (record.kind === 'gate') {
      gate = record;
      answers = [];
    } else if (record.kind === 'closed') {
      if (record.afterBatch === undefined || record.afterBatch === gate?.afterBatch) gate = undefined;
      if (record.afterBatch === undefined) return undefined;
    } else if (gate !== undefined && record.afterBatch === gate.afterBatch) {
      answers.push(record);
    }
  }
  return gate === undefined ? undefined : { gate, answers };
}

/** True once the holder wrote that the run ended: nothing in this log is waiting any more. */
export const ended = (records: readonly Logged[]): boolean =>
  records.some((record) => record.kind === 'closed' && record.afterBatch === undefined);
