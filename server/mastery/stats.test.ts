import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { incompleteBeta, logGamma, mean, sampleSd, studentTCdf, studentTQuantile } from './stats.js';

describe('special functions behind the confidence intervals', () => {
  it('log-gamma matches factorials and Γ(½) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 9);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 9);
  });

  it('the incomplete beta function matches closed forms', () => {
    // I_x(2,3) = Σ_{j=2..4} C(4,j) x^j (1−x)^{4−j}; at ½ that is 11/16.
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 12);
    // I_x(1,1) = x; I_x(a,1) = x^a.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.7, 4, 1)).toBeCloseTo(0.7 ** 4, 12);
    expect(incompleteBeta(0, 2, 2)).toBe(0);
    expect(incompleteBeta(1, 2, 2)).toBe(1);
  });

  it('the incomplete beta function is symmetric: I_x(a,b) = 1 − I_{1−x}(b,a)', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), (x, a, b) => {
      expect(incompleteBeta(x, a, b)).toBeCloseTo(1 - incompleteBeta(1 - x, b, a), 9);
    }));
  });

  it('t quantiles match the published table (two-sided 95% and one-sided 95%)', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [3, 3.1824], [4, 2.7764], [5, 2.5706], [10, 2.2281], [29, 2.0452], [30, 2.0423], [120, 1.9799]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.8125, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281, 3);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('the t quantile inverts the t distribution function', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 200 }), (p, df) => {
      expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 9);
    }));
  });

  it('refuses impossible arguments instead of returning NaN', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => incompleteBeta(0.5, 0, 1)).toThrow(RangeError);
    expect(() => logGamma(0)).toThrow(RangeError);
  });

  it('the sample SD uses n − 1 and needs two values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(sampleSd([3])).toBeNaN();
  });
});
