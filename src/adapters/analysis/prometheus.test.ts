import { describe, expect, it } from 'vitest';
import { readingFromAnswer } from './prometheus.js';

const vector = (...values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((value, i) => ({ metric: { i: String(i) }, value: [1, value] })) },
});

describe('a Prometheus instant query answer → a reading', () => {
  it('Given one sample, then its value', () => {
    expect(readingFromAnswer(vector('0.42'))).toEqual({ ok: true, value: 0.42 });
  });

  it('Given a scalar, then its value', () => {
    expect(readingFromAnswer({ status: 'success', data: { resultType: 'scalar', result: [1, '3'] } })).toEqual({
      ok: true,
      value: 3,
    });
  });

  it.each([
    ['no sample', vector(), 'no data'],
    ['several samples', vector('1', '2'), '2 samples, not one'],
    ['NaN (a quantile over no requests)', vector('NaN'), 'no number: NaN'],
    ['+Inf', vector('+Inf'), 'no number'],
    ['an error', { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' }, 'parse error at char 3'],
    ['a range vector', { status: 'success', data: { resultType: 'matrix', result: [] } }, 'gives a matrix'],
    ['not JSON', undefined, 'other than JSON'],
  ])('Given %s, then no number, and why', (_name, body, why) => {
    const reading = readingFromAnswer(body);
    expect(reading.ok).toBe(false);
    expect(reading.ok ? '' : reading.reason).toContain(why);
  });
});
