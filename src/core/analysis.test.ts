import { describe, expect, it } from 'vitest';
import { judge, metricVerdict, parseCondition, tally, worstOf, type AnalysisMeasurement } from './analysis.js';

const condition = (text: string) => {
  const parsed = parseCondition(text);
  if (!parsed) throw new Error(`not a condition: ${text}`);
  return parsed;
};

describe('conditions', () => {
  it.each([
    ['< 0.05', { op: '<', value: 0.05 }],
    ['<=1', { op: '<=', value: 1 }],
    [' >= 0.2 ', { op: '>=', value: 0.2 }],
    ['> -3', { op: '>', value: -3 }],
    ['== 0', { op: '==', value: 0 }],
    ['!= 2.5e-3', { op: '!=', value: 0.0025 }],
    ['< .5', { op: '<', value: 0.5 }],
  ])('Given %j, when parsed, then it is a comparison and a number', (text, expected) => {
    expect(parseCondition(text)).toEqual(expected);
  });

  it.each(['', '<', '0.05', '< 0.05 and > 0', 'rate < 0.05', '=< 1', '< 1e999', '< 0x10', '<< 1', '= 1', '< NaN'])(
    'Given %j, when parsed, then it is refused (nothing is evaluated)',
    (text) => {
      expect(parseCondition(text)).toBeUndefined();
    },
  );

  it('Given each comparison, when a value is judged, then it compares as written', () => {
    const pass = (text: string, value: number) => judge({ ok: true, value }, condition(text), undefined).phase;
    expect([pass('< 1', 0.99), pass('< 1', 1)]).toEqual(['pass', 'fail']);
    expect([pass('<= 1', 1), pass('<= 1', 1.01)]).toEqual(['pass', 'fail']);
    expect([pass('> 1', 1.01), pass('> 1', 1)]).toEqual(['pass', 'fail']);
    expect([pass('>= 1', 1), pass('>= 1', 0.99)]).toEqual(['pass', 'fail']);
    expect([pass('== 0', 0), pass('== 0', 0.1)]).toEqual(['pass', 'fail']);
    expect([pass('!= 0', 1), pass('!= 0', 0)]).toEqual(['pass', 'fail']);
  });
});

describe('judging one reading', () => {
  const pass = condition('< 0.05');
  const fail = condition('>= 0.2');

  it('Given a value meeting pass, then pass, with the value and why', () => {
    expect(judge({ ok: true, value: 0.01 }, pass, fail)).toEqual({ phase: 'pass', value: 0.01, reason: '0.01 < 0.05' });
  });

  it('Given a value meeting fail, then fail', () => {
    expect(judge({ ok: true, value: 0.3, detail: '30/100 5xx' }, pass, fail)).toEqual({
      phase: 'fail',
      value: 0.3,
      reason: '0.3 >= 0.2 (30/100 5xx)',
    });
  });

  it('Given a value between the two, then inconclusive, saying it meets neither', () => {
    const measured = judge({ ok: true, value: 0.1 }, pass, fail);
    expect(measured.phase).toBe('inconclusive');
    expect(measured.reason).toBe('0.1 meets neither < 0.05 nor >= 0.2');
  });

  it('Given a value that meets both conditions, then fail wins', () => {
    expect(judge({ ok: true, value: 5 }, condition('> 1'), condition('> 2')).phase).toBe('fail');
  });

  it('Given no reading (no data, too few requests, an error), then inconclusive with its reason — never a pass', () => {
    expect(judge({ ok: false, reason: '3 responses, fewer than minRequests 20' }, pass, fail)).toEqual({
      phase: 'inconclusive',
      value: null,
      reason: '3 responses, fewer than minRequests 20',
    });
  });

  it('Given NaN or Infinity, then inconclusive', () => {
    expect(judge({ ok: true, value: Number.NaN }, pass, fail).phase).toBe('inconclusive');
    expect(judge({ ok: true, value: Number.POSITIVE_INFINITY }, pass, undefined).phase).toBe('inconclusive');
  });

  it('Given no fail condition, then a value missing pass fails', () => {
    expect(judge({ ok: true, value: 0.1 }, pass, undefined)).toMatchObject({
      phase: 'fail',
      reason: '0.1, not < 0.05',
    });
  });
});

describe('verdicts', () => {
  const m = (...phases: AnalysisMeasurement['phase'][]) =>
    tally(phases.map((phase) => ({ phase, value: 0, reason: '' })));
  const limits = (failureLimit: number, inconclusiveLimit: number) => ({ failureLimit, inconclusiveLimit });

  it('Given fails above failureLimit, then the metric fails, whatever else', () => {
    expect(metricVerdict(m('pass', 'fail'), limits(0, 0))).toBe('fail');
    expect(metricVerdict(m('fail', 'fail', 'inconclusive'), limits(1, 0))).toBe('fail');
  });

  it('Given fails within failureLimit, then they are tolerated', () => {
    expect(metricVerdict(m('pass', 'fail', 'pass'), limits(1, 0))).toBe('pass');
  });

  it('Given inconclusive measurements above inconclusiveLimit (and fails within), then inconclusive', () => {
    expect(metricVerdict(m('pass', 'inconclusive', 'inconclusive'), limits(0, 1))).toBe('inconclusive');
    expect(metricVerdict(m('fail', 'inconclusive', 'inconclusive'), limits(1, 1))).toBe('inconclusive');
  });

  it('Given inconclusive measurements within inconclusiveLimit, then pass', () => {
    expect(metricVerdict(m('inconclusive', 'pass'), limits(0, 1))).toBe('pass');
  });

  it('Given several metrics, then the analysis is the worst of them', () => {
    expect(worstOf(['pass', 'inconclusive', 'pass'])).toBe('inconclusive');
    expect(worstOf(['inconclusive', 'fail', 'pass'])).toBe('fail');
    expect(worstOf(['pass', 'pass'])).toBe('pass');
  });
});
