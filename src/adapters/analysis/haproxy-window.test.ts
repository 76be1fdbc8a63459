import { describe, expect, it } from 'vitest';
import { countersOf } from '../haproxy/counters.js';
import { parseShowStat } from '../haproxy/answers.js';
import { haproxyReading, windowTotals, type Counters } from './haproxy-window.js';

const c = (responses: number, http5xx = 0, connectionErrors = 0, rtimeMs = 0): Counters => ({
  responses,
  http5xx,
  connectionErrors,
  rtimeMs,
});
const snapshot = (entries: Record<string, Counters>) => new Map(Object.entries(entries));

describe('HAProxy counter deltas', () => {
  const start = snapshot({ 'edge/web-01': c(100, 5, 1), 'edge/web-02': c(50, 0), 'edge/web-03': c(80, 8) });

  it('Given counters when the batch returned and now, then the window is the sum of each server’s delta', () => {
    const now = snapshot({ 'edge/web-01': c(130, 11, 2, 40), 'edge/web-02': c(60, 0, 0, 10), 'edge/web-03': c(81, 9) });
    const window = windowTotals(start, now, ['edge/web-01', 'edge/web-02']);
    expect(window).toEqual({
      ok: true,
      totals: { responses: 40, http5xx: 6, connectionErrors: 1, weightedRtime: 30 * 40 + 10 * 10 },
    });
  });

  it('Given a counter that went down (the load balancer restarted), then no window, and why', () => {
    const now = snapshot({ 'edge/web-01': c(3), 'edge/web-02': c(60) });
    expect(windowTotals(start, now, ['edge/web-01'])).toEqual({
      ok: false,
      reason: 'the counters of edge/web-01 went back (load balancer restarted?)',
    });
  });

  it('Given a server missing from a read, then no window', () => {
    expect(windowTotals(start, snapshot({}), ['edge/web-01']).ok).toBe(false);
  });
});

describe('HAProxy readings', () => {
  const totals = (responses: number, http5xx: number, connectionErrors = 0, weightedRtime = 0) => ({
    responses,
    http5xx,
    connectionErrors,
    weightedRtime,
  });

  it('Given 5xx among responses, then http5xxRate is their share', () => {
    expect(haproxyReading({ measure: 'http5xxRate', minRequests: 20 }, totals(40, 10), undefined)).toEqual({
      ok: true,
      value: 0.25,
      detail: '10/40 5xx',
    });
  });

  it('Given fewer responses than minRequests, then no number (inconclusive), even with no errors at all', () => {
    const reading = haproxyReading({ measure: 'http5xxRate', minRequests: 20 }, totals(19, 0), undefined);
    expect(reading).toEqual({
      ok: false,
      reason: '19 responses since the batch returned, fewer than minRequests 20',
    });
  });

  it('Given no traffic and minRequests 0, then still no number (a rate of nothing is not a pass)', () => {
    expect(haproxyReading({ measure: 'http5xxRate', minRequests: 0 }, totals(0, 0), undefined).ok).toBe(false);
  });

  it('Given rtime per server, then responseTimeMs is weighted by each server’s responses', () => {
    expect(
      haproxyReading({ measure: 'responseTimeMs', minRequests: 1 }, totals(40, 0, 0, 1300), undefined),
    ).toMatchObject({
      ok: true,
      value: 32.5,
    });
  });

  it('Given connection errors, then connectionErrors counts them, requests including them for minRequests', () => {
    expect(haproxyReading({ measure: 'connectionErrors', minRequests: 5 }, totals(2, 0, 3), undefined)).toMatchObject({
      ok: true,
      value: 3,
    });
  });

  it('Given a baseline that errs as much as the batch, then the value is about 0', () => {
    const reading = haproxyReading({ measure: 'http5xxRate', minRequests: 10 }, totals(100, 30), totals(200, 60));
    expect(reading).toEqual({ ok: true, value: 0, detail: 'batch 0.3 − baseline 0.3' });
  });

  it('Given a baseline with too little traffic, then no number, saying it is the baseline', () => {
    const reading = haproxyReading({ measure: 'http5xxRate', minRequests: 10 }, totals(100, 30), totals(3, 0));
    expect(reading).toEqual({
      ok: false,
      reason: 'baseline: 3 responses since the batch returned, fewer than minRequests 10',
    });
  });
});

describe('show stat → counters', () => {
  it('Given a real-looking show stat answer, then responses, 5xx, econ + eresp and rtime per server', () => {
    const answer = [
      '# pxname,svname,scur,econ,eresp,status,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,rtime,',
      'app,web-01,0,1,2,UP,0,90,3,2,5,0,12,',
      'app,web-02,0,0,0,UP,0,10,0,0,0,0,3,',
      'app,BACKEND,0,1,2,UP,0,100,3,2,5,0,10,',
    ].join('\n');
    const counters = countersOf(parseShowStat(answer) ?? [], 'app');
    expect(Object.fromEntries(counters)).toEqual({
      'web-01': { responses: 100, http5xx: 5, connectionErrors: 3, rtimeMs: 12 },
      'web-02': { responses: 10, http5xx: 0, connectionErrors: 0, rtimeMs: 3 },
    });
  });
});
