import { describe, expect, it } from 'vitest';
import { adminStateFromBits, parseServersState, parseShowInfo, parseShowStat, splitCsvLine } from './answers.js';

// Captured from HAProxy 2.6 (`show stat app 4 -1`, trimmed to the first columns plus one quoted field).
const SHOW_STAT = [
  '# pxname,svname,qcur,qmax,scur,smax,status,check_desc',
  'app,web-01,0,0,3,5,UP,Layer7 check passed',
  'app,web-02,0,0,0,0,DRAIN,"Layer7 wrong status, ""500"""',
  'app,web-03,0,0,0,0,UP 1/3,Layer4 connection problem',
  '',
  '',
].join('\n');

const SERVERS_STATE = [
  '1',
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight',
  '3 app 1 web-01 127.0.5.11 2 0 1',
  '3 app 2 web-02 127.0.5.12 2 8 1',
  '3 app 3 web-03 127.0.5.13 0 9 1',
  '',
].join('\n');

describe('parseShowStat', () => {
  it('given a show stat answer, when parsed, then each row maps header names to values, quoted commas included', () => {
    const rows = parseShowStat(SHOW_STAT);
    expect(rows?.map((row) => [row['svname'], row['status'], row['scur']])).toEqual([
      ['web-01', 'UP', '3'],
      ['web-02', 'DRAIN', '0'],
      ['web-03', 'UP 1/3', '0'],
    ]);
    expect(rows?.[1]?.['check_desc']).toBe('Layer7 wrong status, "500"');
  });

  it('given an error answer, when parsed, then there are no rows', () => {
    expect(parseShowStat('No such proxy.\n\n')).toBeUndefined();
  });
});

describe('parseServersState', () => {
  it('given a servers state answer, when parsed, then the version line is skipped and rows follow the header', () => {
    const rows = parseServersState(SERVERS_STATE);
    expect(rows?.map((row) => [row['srv_name'], row['srv_admin_state']])).toEqual([
      ['web-01', '0'],
      ['web-02', '8'],
      ['web-03', '9'],
    ]);
  });

  it('given an unknown backend, when parsed, then there are no rows', () => {
    expect(parseServersState("Can't find backend.\n\n")).toBeUndefined();
  });
});

describe('adminStateFromBits', () => {
  it.each([
    [0x00, 'ready'],
    [0x08, 'drain'], // set server … state drain
    [0x10, 'drain'], // inherited drain
    [0x01, 'maint'], // set server … state maint
    [0x09, 'maint'], // drain then maint: maintenance wins
    [0x04, 'maint'], // disabled in the configuration
    [0x20, 'maint'], // DNS resolution failed
  ] as const)('given bits 0x%s, then the admin state is %s', (bits, state) => {
    expect(adminStateFromBits(bits)).toBe(state);
  });
});

describe('splitCsvLine', () => {
  it('given empty fields, when split, then they are kept in place', () => {
    expect(splitCsvLine('a,,b,')).toEqual(['a', '', 'b', '']);
  });
});

describe('parseShowInfo', () => {
  it('given HAProxy 2.6 answering show info, then pid, uptime, start time and version are read', () => {
    const answer = [
      'Name: HAProxy',
      'Version: 2.6.12-1+deb12u4',
      'Pid: 19288',
      'Uptime: 0d 0h00m02s',
      'Uptime_sec: 2',
      'Start_time_sec: 1796173889',
      'Tainted: 0',
      '',
      '',
    ].join('\n');
    expect(parseShowInfo(answer)).toEqual({
      pid: 19288,
      uptimeSec: 2,
      startTimeSec: 1796173889,
      version: '2.6.12-1+deb12u4',
    });
  });

  it('given an older HAProxy without Start_time_sec, then the start time is left to be derived', () => {
    expect(parseShowInfo('Pid: 7\nUptime_sec: 30\n\n')).toEqual({
      pid: 7,
      uptimeSec: 30,
      startTimeSec: undefined,
      version: '',
    });
  });

  it('given an error message instead, then nothing is read', () => {
    expect(parseShowInfo('Permission denied\n\n')).toBeUndefined();
  });
});
