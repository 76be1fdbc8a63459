import { describe, expect, it } from 'vitest';
import { judgeAnswer, type ApprovalRules, type GateTally } from './approvals.js';
import type { GateAnswer } from './values.js';

const rules = (overrides: Partial<ApprovalRules> = {}): ApprovalRules => ({
  required: 1,
  distinctFromAuthor: false,
  ...overrides,
});
const tally = (approvedBy: string[] = [], author = 'carol@example.com'): GateTally => ({ author, approvedBy });
const answer = (identity: string, overrides: Partial<GateAnswer> = {}): GateAnswer => ({
  decision: 'approve',
  by: identity.split('@')[0] ?? identity,
  identity,
  proof: 'claim',
  ...overrides,
});

describe('judgeAnswer', () => {
  it('given the default rules, when anyone approves, then the gate is decided', () => {
    expect(judgeAnswer(rules(), tally(), answer('alice@example.com'))).toEqual({
      verdict: 'decided',
      identity: 'alice@example.com',
      approvedBy: ['alice@example.com'],
    });
  });

  it('given required: 2, when the first approves, then it is counted and one more is needed; the second decides', () => {
    const first = judgeAnswer(rules({ required: 2 }), tally(), answer('alice@example.com'));
    expect(first).toEqual({
      verdict: 'counted',
      identity: 'alice@example.com',
      approvedBy: ['alice@example.com'],
      stillNeeded: 1,
    });
    const second = judgeAnswer(rules({ required: 2 }), tally(['alice@example.com']), answer('bob@example.com'));
    expect(second).toMatchObject({ verdict: 'decided', approvedBy: ['alice@example.com', 'bob@example.com'] });
  });

  it('given required: 2 and one approval, when the same person approves again (other case), then it is refused by required', () => {
    const judged = judgeAnswer(rules({ required: 2 }), tally(['alice@example.com']), answer('Alice@Example.com'));
    expect(judged).toMatchObject({ verdict: 'refused', rule: 'required', stillNeeded: 1 });
    expect(judged.verdict === 'refused' && judged.message).toContain('already approved this gate');
  });

  it('given distinctFromAuthor, when the author approves, then it is refused; when the author aborts, then it stops the run', () => {
    const four = rules({ distinctFromAuthor: true });
    expect(judgeAnswer(four, tally([], 'carol@example.com'), answer('carol@example.com'))).toMatchObject({
      verdict: 'refused',
      rule: 'distinctFromAuthor',
      stillNeeded: 1,
    });
    expect(
      judgeAnswer(four, tally([], 'carol@example.com'), answer('carol@example.com', { decision: 'abort' })),
    ).toMatchObject({ verdict: 'decided' });
  });

  it('given approvers, when someone not listed approves or aborts, then it is refused by approvers', () => {
    const listed = rules({ approvers: ['alice@example.com', 'bob@example.com'] });
    for (const decision of ['approve', 'abort', 'halt'] as const)
      expect(judgeAnswer(listed, tally(), answer('mallory@example.com', { decision }))).toMatchObject({
        verdict: 'refused',
        rule: 'approvers',
      });
    expect(judgeAnswer(listed, tally(), answer('bob@example.com'))).toMatchObject({ verdict: 'decided' });
  });

  it('given allowedSignersFile, when an answer is unsigned or badly signed, then it is refused saying why; signed, it counts', () => {
    const signed = rules({ allowedSignersFile: 'allowed_signers' });
    const unsigned = judgeAnswer(signed, tally(), answer('alice@example.com'));
    expect(unsigned).toMatchObject({ verdict: 'refused', rule: 'allowedSignersFile' });
    expect(unsigned.verdict === 'refused' && unsigned.message).toContain('not signed');
    const bad = judgeAnswer(
      signed,
      tally(),
      answer('alice@example.com', { signatureProblem: 'no key of allowed_signers made it' }),
    );
    expect(bad.verdict === 'refused' && bad.message).toContain('no key of allowed_signers made it');
    expect(judgeAnswer(signed, tally(), answer('alice', { proof: 'signature' }))).toMatchObject({
      verdict: 'decided',
      identity: 'alice',
    });
  });

  it('given --yes, when the gate needs one approval from anyone, then it decides; with required > 1 or named approvers it is refused', () => {
    const yes = answer('ops@example.com', { proof: 'auto' });
    expect(judgeAnswer(rules(), tally(), yes)).toMatchObject({ verdict: 'decided' });
    expect(judgeAnswer(rules({ required: 2, approvers: undefined }), tally(), yes)).toMatchObject({
      verdict: 'refused',
      rule: 'yes',
      stillNeeded: 2,
    });
    expect(judgeAnswer(rules({ approvers: ['ops@example.com'] }), tally(), yes)).toMatchObject({ rule: 'yes' });
  });

  it('given an answer without identity, when judged, then the name given is the identity', () => {
    expect(judgeAnswer(rules(), tally(), { decision: 'approve', by: 'ops' })).toMatchObject({ identity: 'ops' });
  });
});
