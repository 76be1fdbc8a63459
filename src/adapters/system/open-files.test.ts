import { describe, expect, it } from 'vitest';
import { parseOpenFileLimit, readOpenFileLimit } from './open-files.js';

describe('open-file limit', () => {
  it('Given /proc/self/limits text, When parsed, Then soft and hard come out, unlimited as Infinity', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             127431               127431               processes ',
      'Max open files            1024                 unlimited            files     ',
    ].join('\n');
    expect(parseOpenFileLimit(text)).toEqual({ soft: 1024, hard: Infinity });
    expect(parseOpenFileLimit('Max processes 1 1 processes')).toBeUndefined();
  });

  it('Given this process, When read, Then a limit comes back; a missing file is unknown', async () => {
    expect((await readOpenFileLimit())?.soft).toBeGreaterThan(0);
    expect(await readOpenFileLimit('/nonexistent/limits')).toBeUndefined();
  });
});
