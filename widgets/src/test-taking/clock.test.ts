import { describe, expect, it } from 'vitest';
import { deviceDeadline, formatRemaining, warningsDue } from './clock.js';

describe('time limit on the device', () => {
  it('moves the deadline onto a device clock that runs 3 minutes slow', () => {
    const server = Date.parse('2025-03-01T10:00:00Z');
    const device = server - 3 * 60_000;
    expect(deviceDeadline('2025-03-01T10:30:00Z', '2025-03-01T10:00:00Z', device)).toBe(device + 30 * 60_000);
  });

  it('has no deadline for an untimed attempt', () => {
    expect(deviceDeadline(null, '2025-03-01T10:00:00Z', Date.now())).toBeNull();
  });

  it('shows minutes and seconds, hours when needed, never below zero', () => {
    expect(formatRemaining(65_000)).toBe('1:05');
    expect(formatRemaining(59_001)).toBe('1:00');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
    expect(formatRemaining(-5000)).toBe('0:00');
  });

  it('warns at 5 and at 1 minute, but not late for thresholds passed before the page opened', () => {
    expect(warningsDue(6 * 60_000, new Set())).toEqual([]);
    expect(warningsDue(4.9 * 60_000, new Set())).toEqual([5]);
    expect(warningsDue(50_000, new Set([5]))).toEqual([1]);
    expect(warningsDue(50_000, new Set([5, 1]))).toEqual([]);
  });
});
