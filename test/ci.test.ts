import { describe, expect, it } from 'vitest';
import { isCI } from './ci.js';

describe('isCI', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['FALSE', false],
    [' 0 ', false],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['github-actions', true],
  ])('CI=%j is %s', (value, expected) => {
    expect(isCI(value)).toBe(expected);
  });
});
