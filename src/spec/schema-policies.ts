/**
 * The environment's policies in an inventory: freeze windows, notification
 * webhooks, the sync policy and the approval rules of its gates — when a
 * rollout may start, who is told, and who may let it go on. Part of the one
 * schema (schema.ts re-exports it).
 */
import { z } from 'zod';
import { COUNT_BOUNDS, LENGTH_BOUNDS } from './bounds.js';
import { isTimeZone } from '../core/zoned-time.js';
import { DATE_PATTERN, WEEKLY_PATTERN, dateInstant, weeklyProblem } from './freeze.js';

const freezeDate = z
  .string({ error: 'a date "2026-12-21" or date and time "2026-12-21 08:00"' })
  .regex(DATE_PATTERN, 'a date "2026-12-21" or date and time "2026-12-21 08:00"');

export const FreezeWindow = z
  .strictObject({
    reason: z.string().min(1, 'why changes stop, shown to whoever is refused'),
    weekly: z
      .string()
      .regex(WEEKLY_PATTERN, 'a weekly window such as "Fri 16:00 - Mon 08:00"')
      .superRefine((text, context) => {
        const problem = weeklyProblem(text);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ description: 'Every week, from a day and time to a day and time: "Fri 16:00 - Mon 08:00"' }),
    from: freezeDate.optional().meta({ description: 'Once, from this date (its start) or date and time' }),
    to: freezeDate.optional().meta({ description: 'Once, until this date (its end) or date and time' }),
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin" or "UTC"')
      .default('UTC')
      .meta({ description: 'The zone the times are wall-clock times in (daylight saving time followed)' }),
    allowRollback: z
      .boolean()
      .default(true)
      .meta({ description: 'A rollback to the deployed commit (revert --run, re-applying it) may start inside' }),
  })
  .refine((entry) => (entry.weekly !== undefined) !== (entry.from !== undefined || entry.to !== undefined), {
    error: 'a freeze window is either weekly: "Fri 16:00 - Mon 08:00", or from: and to: dates',
  })
  .refine((entry) => entry.weekly !== undefined || (entry.from !== undefined && entry.to !== undefined), {
    error: 'a dated freeze window needs both from: and to:',
  })
  .refine(
    (entry) => {
      if (entry.from === undefined || entry.to === undefined || !isTimeZone(entry.timeZone)) return true;
      const start = dateInstant(entry.from, entry.timeZone, 'start');
      const end = dateInstant(entry.to, entry.timeZone, 'end');
      return start !== undefined && end !== undefined && start < end;
    },
    { error: 'from: must be a real date before to:' },
  )
  .meta({ description: 'A window in which no rollout starts: weekly, or from a date to a date' });
/** What a notification may be sent for; a gate or an analysis is sent once, not once per interval. */
export const NOTIFY_ON = [
  'gate.waiting',
  'analysis.inconclusive',
  'analysis.failed',
  'run.succeeded',
  'run.failed',
  'run.aborted',
  'sync.pending',
] as const;

export const Webhook = z
  .strictObject({
    url: z
      .string()
      .regex(
        /^https?:\/\/[^\s@?#]+$/,
        'an http:// or https:// URL without a query or user; a URL carrying a token belongs in urlEnv or urlFile, not in Git',
      )
      .max(LENGTH_BOUNDS.url, `a URL of at most ${LENGTH_BOUNDS.url} characters`)
      .optional()
      .meta({ description: 'Only for URLs without secrets: the file is in Git' }),
    urlEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as LIEUTENANT_SLACK_URL')
      .optional()
      .meta({ description: 'The environment variable holding the URL (read when the run starts)' }),
    urlFile: z
      .string()
      .min(1)
      .max(LENGTH_BOUNDS.text)
      .optional()
      .meta({ description: 'A file holding the URL; relative to the rollout repo, ~ expands' }),
    format: z.enum(['json', 'slack']).default('json'),
    on: z
      .array(z.enum(NOTIFY_ON))
      .min(1, 'at least one event')
      .default([...NOTIFY_ON])
      .meta({ description: 'The events that send a message' }),
  })
  .refine((hook) => [hook.url, hook.urlEnv, hook.urlFile].filter((value) => value !== undefined).length === 1, {
    error: 'a webhook has exactly one of: url, urlEnv, urlFile',
  });

export const Notification = z
  .strictObject({ webhook: Webhook })
  .meta({ description: 'Where people are told when a run needs them or ends' });

/** How `watch` applies a new commit to an environment (Argo CD's automatic and manual sync policies). */
export const SYNC_POLICIES = ['automatic', 'manual'] as const;
export type SyncPolicy = (typeof SYNC_POLICIES)[number];

/**
 * Who may answer the gates of an environment's runs, and how many must
 * approve: checked against each answer's identity (the signer's principal
 * with allowedSignersFile, else the answering clone's git user.email).
 */
export const Approvals = z
  .strictObject({
    required: z
      .number()
      .int('a whole number of approvals')
      .min(COUNT_BOUNDS.approvals[0], `at least ${COUNT_BOUNDS.approvals[0]} approval`)
      .max(COUNT_BOUNDS.approvals[1], `at most ${COUNT_BOUNDS.approvals[1]} approvals`)
      .default(1)
      .meta({ description: 'Distinct approvers each gate needs before the run goes on' }),
    approvers: z
      .array(
        z
          .string()
          .min(1)
          .max(LENGTH_BOUNDS.name * 4, `at most ${LENGTH_BOUNDS.name * 4} characters`),
      )
      .min(COUNT_BOUNDS.approvers[0], 'at least one approver (leave the key out to let anyone approve)')
      .max(COUNT_BOUNDS.approvers[1], `at most ${COUNT_BOUNDS.approvers[1]} approvers`)
      .optional()
      .meta({ description: 'Who may approve or abort: e-mail addresses, or principals of allowedSignersFile' }),
    distinctFromAuthor: z
      .boolean()
      .default(false)
      .meta({ description: 'The author of the commit being rolled out may not approve its gates' }),
    allowedSignersFile: z.string().min(1).max(LENGTH_BOUNDS.text).optional().meta({
      description:
        'A committed file in ssh-keygen allowed-signers format, relative to the rollout repo: every answer must be SSH-signed by one of its keys',
    }),
  })
  .refine((rules) => rules.approvers === undefined || rules.approvers.length >= rules.required, {
    error: 'required: is more than the approvers listed; no gate could ever be approved',
  })
  .meta({ description: 'Who may answer the gates of this environment, and how many must approve' });
