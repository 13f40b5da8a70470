import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pickFormIndex } from './form-choice.js';

const seed = (personId: string) => ({ tenantId: 't1', placementId: 'p1', personId });

describe('form choice', () => {
  it('always gives the only form when there is one', () => {
    expect(pickFormIndex(1, seed('anyone'))).toBe(0);
  });
  it('gives the same student the same form every time', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.string(), (n, person) => pickFormIndex(n, seed(person)) === pickFormIndex(n, seed(person))));
  });
  it('spreads a class over the forms', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[pickFormIndex(3, seed(`student-${i}`))]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(60);
  });
  it('refuses an assessment without forms', () => {
    expect(() => pickFormIndex(0, seed('x'))).toThrow(RangeError);
  });
});
