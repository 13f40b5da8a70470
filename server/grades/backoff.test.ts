import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterFailure, DEFAULT_BACKOFF, parseRetryAfter, retryDelayMs, type BackoffPolicy } from './backoff.js';

const policy: BackoffPolicy = { baseMs: 20, capMs: 1000, maxTries: 8 };

describe('retry delay', () => {
  it('waits up to the base before the first retry and doubles the ceiling after each failure', () => {
    expect(retryDelayMs(1, policy, () => 0.999999)).toBe(19);
    expect(retryDelayMs(2, policy, () => 0.999999)).toBe(39);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(40);
    expect(retryDelayMs(1, policy, () => 0)).toBe(0);
  });

  it('never waits longer than the cap, however many tries failed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (tries, r) => {
      const d = retryDelayMs(tries, policy, () => r);
      return d >= 0 && d <= policy.capMs;
    }));
  });

  it('spreads retries over the whole window (full jitter), so tool processes do not retry in step', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => retryDelayMs(5, policy, () => i / 50)));
    expect(delays.size).toBe(50);
  });

  it('waits at least as long as the LMS asked with Retry-After', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3600 }), fc.double({ min: 0, max: 1, noNaN: true }), (tries, after, r) => {
      return retryDelayMs(tries, policy, () => r, after) >= after * 1000;
    }));
  });

  it('survives a broken random source', () => {
    expect(retryDelayMs(3, policy, () => Number.NaN)).toBe(0);
    expect(retryDelayMs(3, policy, () => 7)).toBe(80);
  });
});

describe('after a failed try', () => {
  it('gives up at once on a failure that retrying cannot fix', () => {
    expect(afterFailure(1, false, policy, () => 0.5)).toEqual({ retry: false });
  });

  it('retries until the configured number of tries, then gives up', () => {
    for (let t = 1; t < policy.maxTries; t++) expect(afterFailure(t, true, policy, () => 0.5).retry).toBe(true);
    expect(afterFailure(policy.maxTries, true, policy, () => 0.5)).toEqual({ retry: false });
  });

  it('defaults to eight tries', () => {
    expect(DEFAULT_BACKOFF.maxTries).toBe(8);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
