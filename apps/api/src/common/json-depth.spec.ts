import { describe, expect, it } from '@jest/globals';
import { nestedDeeperThan } from './json-depth.js';

describe('nestedDeeperThan', () => {
  it('counts arrays and objects opened inside each other', () => {
    expect(nestedDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(nestedDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestedDeeperThan('[[],[],[],[]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestedDeeperThan(JSON.stringify({ note: '[[[[{{{{' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ note: 'say \\"[[[[' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ note: 'a"b', list: [[1]] }), 2)).toBe(true);
  });
});
