/**
 * What a finished run leaves in Git: one `RunRecord` per run, kept as JSON in
 * a note on the commit it applied (see deployed.ts). Notes come back from
 * other machines and older versions, so they are parsed, not trusted.
 */
import { z } from 'zod';
import type { AnalysisPhase, HostOut, RunEvent, RunResult } from '../../engine/index.js';
import { screenValue } from '../trust/screen.js';

export interface Approval {
  by: string;
  decision: 'approve' | 'abort' | 'halt';
  reason?: string;
  /** ISO 8601. */
  at: string;
  afterBatch: number;
  /** Set when the answer was `lieutenant abort` while the run worked on this batch, not at a gate. */
  during?: number;
}

/** One batch's analysis, as history keeps it (every measurement stays in the journal). */
export interface AnalysisSummary {
  afterBatch: number;
  verdict: AnalysisPhase;
  reason: string;
  metrics: Array<{ name: string; verdict: AnalysisPhase; pass: number; fail: number; inconclusive: number }>;
}

/** The analyses of a run's events, in order. */
export function analysisSummaries(events: readonly RunEvent[]): AnalysisSummary[] {
  return events.flatMap((event) =>
    event.type === 'analysis.finished'
      ? [
          {
            afterBatch: event.batch,
            verdict: event.verdict,
            reason: event.reason,
            metrics: event.metrics.map((m) => ({ name: m.name, verdict: m.verdict, ...m.counts })),
          },
        ]
      : [],
  );
}

export interface RunRecord {
  runId: string;
  rollout: string;
  environment: string;
  /** Full SHA of the commit the run applied. */
  commit: string;
  subject: string;
  operator: string;
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  result: RunResult;
  hostsChanged: string[];
  hostsOut: HostOut[];
  approvals: Approval[];
  analyses: AnalysisSummary[];
  /** Set when the run stopped after this batch before its gates were answered: it is resumed there, not finished. */
  waitingAfterBatch?: number;
}

const RunResultSchema = z.enum([
  'succeeded',
  'nothing-to-do',
  'rolled-back',
  'halted',
  'degraded',
  'aborted',
  'lease-lost',
  'invalid',
]);

const PhaseSchema = z.enum(['pass', 'fail', 'inconclusive']);

const RunRecordSchema = z.object({
  runId: z.string(),
  rollout: z.string(),
  environment: z.string(),
  commit: z.string(),
  subject: z.string(),
  operator: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  result: RunResultSchema,
  hostsChanged: z.array(z.string()).default([]),
  hostsOut: z.array(z.object({ host: z.string(), group: z.string(), reason: z.string() })).default([]),
  approvals: z
    .array(
      z.object({
        by: z.string(),
        decision: z.enum(['approve', 'abort', 'halt']),
        reason: z.string().optional(),
        at: z.string(),
        afterBatch: z.number(),
        during: z.number().optional(),
      }),
    )
    .default([]),
  analyses: z
    .array(
      z.object({
        afterBatch: z.number(),
        verdict: PhaseSchema,
        reason: z.string(),
        metrics: z.array(
          z.object({
            name: z.string(),
            verdict: PhaseSchema,
            pass: z.number(),
            fail: z.number(),
            inconclusive: z.number(),
          }),
        ),
      }),
    )
    .default([]),
  waitingAfterBatch: z.number().optional(),
});

/** The records in one note: an array (several runs of one commit), or a lone record. Unreadable entries are dropped. */
export function parseRunRecords(text: string): RunRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const items: unknown[] = Array.isArray(json) ? json : [json];
  return items.flatMap((item) => {
    const screened = screenValue(item);
    const parsed = RunRecordSchema.safeParse(screened.ok ? screened.value : undefined);
    return parsed.success ? [dropUndefined(parsed.data)] : [];
  });
}

function dropUndefined({ waitingAfterBatch, ...record }: z.infer<typeof RunRecordSchema>): RunRecord {
  return {
    ...record,
    ...(waitingAfterBatch === undefined ? {} : { waitingAfterBatch }),
    approvals: record.approvals.map(({ reason, ...rest }) => (reason === undefined ? rest : { ...rest, reason })),
  };
}
