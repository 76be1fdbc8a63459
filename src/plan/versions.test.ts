import { describe, expect, it } from 'vitest';
import { compareDebian, compareRpm } from './versions.js';

describe('compareDebian (dpkg --compare-versions)', () => {
  it.each([
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.1', '1.1', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+deb12u1', -1],
    ['1:0.9', '2.0', 1],
    ['2.0-1', '2.0-10', -1],
    ['2.0-1', '2.0', 1],
    ['1.0a', '1.0', 1],
    ['1.0.0', '1.0', 1],
    ['001.2', '1.2', 0],
    ['1.2~~', '1.2~', -1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareDebian(a, b)).toBe(expected);
    expect(compareDebian(b, a)).toBe(-expected || 0);
  });
});

describe('compareRpm (rpmvercmp)', () => {
  it.each([
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0-1', '1.0-2', -1],
    ['1.0-5.el9', '1.0', 0], // a pin without release matches any release
    ['1:1.0', '2.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0^post1', '1.0', 1],
    ['1.0a', '1.0.1', -1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareRpm(a, b)).toBe(expected);
  });
});
