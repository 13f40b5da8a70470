import { describe, expect, it } from 'vitest';
import { dashboardStrings, dashboardTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dashboard strings', () => {
  it('has every English string in Spanish, with the same placeholders', () => {
    expect(Object.keys(dashboardStrings.es).sort()).toEqual(Object.keys(dashboardStrings.en).sort());
    for (const [key, en] of Object.entries(dashboardStrings.en)) {
      const es = dashboardStrings.es[key as keyof typeof dashboardStrings.en];
      expect(es.trim(), key).not.toBe('');
      expect(placeholders(es), key).toEqual(placeholders(en));
    }
  });

  it('speaks Spanish to es-MX, and English to any other locale', () => {
    expect(dashboardTranslator('es-MX')('groupN', { n: 2 })).toBe('Grupo 2');
    expect(dashboardTranslator('fr')('groupN', { n: 2 })).toBe('Group 2');
  });

  it('says "1 student", not "1 students"', () => {
    expect(dashboardTranslator('en')('studentsCount', { n: 1 })).toBe('1 student');
    expect(dashboardTranslator('en')('studentsCount', { n: 3 })).toBe('3 students');
    expect(dashboardTranslator('es')('studentsCount', { n: 1 })).toBe('1 estudiante');
  });
});
