import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('reads rate limits and the grade worker\'s settings with everything else, an empty variable meaning unset', () => {
    const plain = loadConfig({});
    expect(plain.rateLimits).toMatchObject({ windowMs: 60_000, apiPerUser: 1_200 });
    expect(plain.gradeWorker.enabled).toBe(true);
    const set = loadConfig({ RATE_LIMIT_API_PER_USER: '5', RATE_LIMIT_WINDOW_SECONDS: '10', RATE_LIMIT_LTI_PER_IP: '', GRADES_WORKER: 'off', GRADES_PER_PLATFORM: '2' });
    expect(set.rateLimits).toMatchObject({ windowMs: 10_000, apiPerUser: 5, ltiPerIp: plain.rateLimits.ltiPerIp });
    expect(set.gradeWorker).toMatchObject({ enabled: false, perPlatform: 2 });
  });

  it('refuses to start on a bad value, naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_API_PER_IP: 'lots' })).toThrow(/Invalid configuration:\n {2}RATE_LIMIT_API_PER_IP/);
    expect(() => loadConfig({ GRADES_PER_PLATFORM: '0' })).toThrow(/Invalid configuration:\n {2}GRADES_PER_PLATFORM/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/Invalid configuration:\n {2}PORT/);
  });
});
