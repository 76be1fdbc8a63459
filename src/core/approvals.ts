/**
 * The approval rules of an environment, judged: one answer at a time against
 * the gate's approvals so far. Pure — the identity and its proof were settled
 * before (a verified SSH signature, or the git user.email claimed), so the
 * holder of a run and `lieutenant approve` in any clone reach the same verdict.
 */
import type { GateAnswer } from './values.js';

/** The inventory's `approvals`. */
export interface ApprovalRules {
  /** Distinct approvers each gate needs. */
  required: number;
  /** Who may approve or abort; undefined: anyone. */
  approvers?: string[];
  distinctFromAuthor: boolean;
  /** Relative to the rollout repo, read at the commit being rolled out: answers must be SSH-signed. */
  allowedSignersFile?: string;
}

export const DEFAULT_APPROVAL_RULES: ApprovalRules = { required: 1, distinctFromAuthor: false };

/** The rule an answer broke, as the inventory names it (`yes`: `--yes` cannot answer this gate). */
export type ApprovalRule = 'allowedSignersFile' | 'approvers' | 'distinctFromAuthor' | 'required' | 'yes';

export interface GateTally {
  /** The commit author's e-mail, when known. */
  author?: string;
  /** Identities whose approvals this gate has counted, in order. */
  approvedBy: readonly string[];
}

export type Judgement =
  | { verdict: 'refused'; rule: ApprovalRule; message: string; stillNeeded: number }
  /** An approval counted; the gate waits for more. */
  | { verdict: 'counted'; identity: string; approvedBy: string[]; stillNeeded: number }
  /** The gate is answered: an abort or a halt, or the last approval it needed. */
  | { verdict: 'decided'; identity: string; approvedBy: string[] };

/** Who the rules see answering: the verified or claimed identity, else the name given. */
export const identityOf = (answer: GateAnswer): string => answer.identity ?? answer.by;

export function stillNeeded(rules: ApprovalRules, tally: GateTally): number {
  return Math.max(0, rules.required - tally.approvedBy.length);
}

export function judgeAnswer(rules: ApprovalRules, tally: GateTally, answer: GateAnswer): Judgement {
  const identity = identityOf(answer);
  const needed = stillNeeded(rules, tally);
  const refuse = (rule: ApprovalRule, message: string): Judgement => ({
    verdict: 'refused',
    rule,
    message,
    stillNeeded: needed,
  });
  const broken = permission(rules, answer, identity);
  if (broken) return refuse(broken.rule, broken.message);
  if (answer.decision !== 'approve') return { verdict: 'decided', identity, approvedBy: [...tally.approvedBy] };
  if (rules.distinctFromAuthor && tally.author !== undefined && sameIdentity(identity, tally.author))
    return refuse('distinctFromAuthor', `${identity} wrote the commit being rolled out and may not approve its gates`);
  if (tally.approvedBy.some((earlier) => sameIdentity(earlier, identity)))
    return refuse('required', `${identity} has already approved this gate; it needs ${needed} more from someone else`);
  const approvedBy = [...tally.approvedBy, identity];
  const left = Math.max(0, rules.required - approvedBy.length);
  return left === 0
    ? { verdict: 'decided', identity, approvedBy }
    : { verdict: 'counted', identity, approvedBy, stillNeeded: left };
}

/** What any answer needs, an abort as much as an approval: `--yes` allowed, a signature, a listed approver. */
function permission(
  rules: ApprovalRules,
  answer: GateAnswer,
  identity: string,
): { rule: ApprovalRule; message: string } | undefined {
  if (answer.proof === 'auto') {
    if (rules.required > 1)
      return { rule: 'yes', message: `--yes does not answer a gate that needs ${rules.required} approvers` };
    if (rules.approvers !== undefined || rules.allowedSignersFile !== undefined)
      return { rule: 'yes', message: '--yes does not answer a gate whose environment names its approvers' };
    return undefined;
  }
  if (rules.allowedSignersFile !== undefined && answer.proof !== 'signature')
    return {
      rule: 'allowedSignersFile',
      message: `answers must be SSH-signed by a key of ${rules.allowedSignersFile}: ${answer.signatureProblem ?? 'this one is not signed'}`,
    };
  if (rules.approvers !== undefined && !rules.approvers.some((approver) => sameIdentity(approver, identity)))
    return { rule: 'approvers', message: `${identity} is not one of the approvers (${rules.approvers.join(', ')})` };
  return undefined;
}

/** E-mail addresses and principals compare without regard to case. */
const sameIdentity = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
