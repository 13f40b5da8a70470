import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { closesAt, deadlineFor, DEFAULT_GRACE_SECONDS, isClosed, timeLeftMs } from './timing.js';

const start = new Date('2025-03-01T09:00:00.000Z');
const at = (minutes: number, seconds = 0) => new Date(start.getTime() + minutes * 60_000 + seconds * 1000);

describe('deadline', () => {
  it('is the start plus the time limit', () => {
    expect(deadlineFor(start, 30)).toEqual(at(30));
  });
  it('stretches the limit by an extended-time multiplier', () => {
    expect(deadlineFor(start, 30, 1.5)).toEqual(at(45));
    expect(deadlineFor(start, 40, 2)).toEqual(at(80));
  });
  it('is absent when the assessment has no limit or the student has unlimited time', () => {
    expect(deadlineFor(start, null)).toBeNull();
    expect(deadlineFor(start, undefined)).toBeNull();
    expect(deadlineFor(start, 0)).toBeNull();
    expect(deadlineFor(start, 30, null)).toBeNull();
  });
  it('treats a missing or nonsensical multiplier as no accommodation', () => {
    expect(deadlineFor(start, 30, undefined)).toEqual(at(30));
    expect(deadlineFor(start, 30, 0)).toEqual(at(30));
    expect(deadlineFor(start, 30, Number.NaN)).toEqual(at(30));
  });
});

describe('closing time', () => {
  it('keeps accepting answers for the grace period after the deadline', () => {
    const deadline = deadlineFor(start, 30);
    expect(DEFAULT_GRACE_SECONDS).toBe(60);
    expect(closesAt(deadline)).toEqual(at(31));
    expect(isClosed(deadline, at(30, 59))).toBe(false);
    expect(isClosed(deadline, at(31))).toBe(false);
    expect(isClosed(deadline, at(31, 1))).toBe(true);
  });
  it('honours a configured grace period', () => {
    const deadline = deadlineFor(start, 10);
    expect(isClosed(deadline, at(10, 6), 5)).toBe(true);
    expect(isClosed(deadline, at(10, 4), 5)).toBe(false);
    expect(isClosed(deadline, at(10, 1), 0)).toBe(true);
  });
  it('never closes an unlimited attempt', () => {
    expect(closesAt(null)).toBeNull();
    expect(isClosed(null, at(60 * 24 * 365))).toBe(false);
  });
  it('reports the time left, never below zero', () => {
    const deadline = deadlineFor(start, 10);
    expect(timeLeftMs(deadline, at(4))).toBe(6 * 60_000);
    expect(timeLeftMs(deadline, at(12))).toBe(0);
    expect(timeLeftMs(null, at(12))).toBeNull();
  });
  it('never closes before the deadline, whatever the limit, multiplier and grace', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 600 }), fc.double({ min: 1, max: 4, noNaN: true }), fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 1, noNaN: true }),
      (limit, multiplier, grace, fraction) => {
        const deadline = deadlineFor(start, limit, multiplier)!;
        const before = new Date(start.getTime() + fraction * (deadline.getTime() - start.getTime()));
        return !isClosed(deadline, before, grace) && deadline.getTime() >= start.getTime() + limit * 60_000 - 1;
      },
    ));
  });
});
