/** The pause gate under the environment's approval rules: refused answers are journaled and the gate waits on. */
import { describe, expect, it } from 'vitest';
import type { Approver, GateRequest } from './ports.js';
import { scriptedApprover } from './testing/fake-world.js';
import { runScenario } from './testing/run-scenario.js';

const approve = (identity: string, extra: object = {}) => ({
  decision: 'approve' as const,
  by: identity.split('@')[0] ?? identity,
  identity,
  proof: 'claim' as const,
  from: `${identity.split('@')[0] ?? ''}@laptop:/src/rollouts`,
  ...extra,
});

describe('the pause gate under approval rules', () => {
  it('given required: 2, when one approves, then the gate waits for a second, distinct approver, and says so', async () => {
    // Given
    const asked: GateRequest[] = [];
    const script = scriptedApprover([
      approve('alice@example.com'),
      approve('alice@example.com'),
      approve('bob@example.com', { reason: 'graphs fine' }),
    ]);
    const approver: Approver = { await: (request, signal) => (asked.push(request), script.await(request, signal)) };

    // When
    const { outcome, of } = await runScenario({
      fixture: { pause: { kind: 'approve' }, approvals: { required: 2 } },
      approver,
    });

    // Then
    expect(outcome.result).toBe('succeeded');
    expect(of('gate.waiting')[0]?.required).toBe(2);
    expect(of('gate.approval')).toEqual([
      expect.objectContaining({ by: 'alice', identity: 'alice@example.com', stillNeeded: 1 }),
    ]);
    expect(of('gate.refused')).toEqual([
      expect.objectContaining({ rule: 'required', identity: 'alice@example.com', stillNeeded: 1 }),
    ]);
    expect(of('gate.answered')).toEqual([
      expect.objectContaining({
        decision: 'approve',
        by: 'bob',
        from: 'bob@laptop:/src/rollouts',
        approvedBy: ['alice@example.com', 'bob@example.com'],
      }),
    ]);
    expect(asked.map((request) => [request.stillNeeded, request.automatic])).toEqual([
      [2, false],
      [1, false],
      [1, false],
    ]);
  });

  it('given distinctFromAuthor, when the author approves, then it is refused and a second person decides', async () => {
    const { outcome, of } = await runScenario({
      fixture: { pause: { kind: 'approve' }, approvals: { distinctFromAuthor: true } },
      editPlan: (plan) => ({ ...plan, commit: { ...plan.commit, author: 'carol@example.com' } }),
      approver: scriptedApprover([approve('carol@example.com'), approve('dave@example.com')]),
    });
    expect(outcome.result).toBe('succeeded');
    expect(of('gate.refused')).toEqual([
      expect.objectContaining({ rule: 'distinctFromAuthor', by: 'carol', decision: 'approve', stillNeeded: 1 }),
    ]);
    expect(of('gate.answered')).toEqual([expect.objectContaining({ by: 'dave', identity: 'dave@example.com' })]);
  });

  it('given approvers, when someone not listed aborts, then it is refused; a listed approver’s abort rolls the batch back', async () => {
    const { outcome, of, world } = await runScenario({
      fixture: { pause: { kind: 'approve' }, approvals: { approvers: ['alice@example.com'] } },
      approver: scriptedApprover([
        { ...approve('mallory@example.com'), decision: 'abort' },
        { ...approve('alice@example.com'), decision: 'abort' },
      ]),
    });
    expect(of('gate.refused').map((event) => [event.decision, event.rule])).toEqual([['abort', 'approvers']]);
    expect(outcome.result).toBe('aborted');
    expect(world.outOfRotation()).toEqual([]);
  });

  it('given the default rules, when the gate asks, then it tells the approvers that --yes may answer it', async () => {
    const asked: GateRequest[] = [];
    await runScenario({
      fixture: { pause: { kind: 'approve' } },
      approver: { await: (request) => (asked.push(request), Promise.resolve(approve('ops@example.com'))) },
    });
    expect(asked.map((request) => request.automatic)).toEqual([true]);
  });
});
