import { describe, expect, it } from 'vitest';
import { testStrings, testTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('test-taking strings', () => {
  it('has every English string in Spanish, with the same placeholders', () => {
    expect(Object.keys(testStrings.es).sort()).toEqual(Object.keys(testStrings.en).sort());
    for (const [key, en] of Object.entries(testStrings.en)) {
      const es = testStrings.es[key as keyof typeof testStrings.en];
      expect(es.trim(), key).not.toBe('');
      expect(placeholders(es), key).toEqual(placeholders(en));
    }
  });

  it('fills placeholders and falls back to English for an unknown locale', () => {
    expect(testTranslator('es')('questionOf', { n: 3, total: 12 })).toBe('Pregunta 3 de 12');
    expect(testTranslator('fr')('questionOf', { n: 3, total: 12 })).toBe('Question 3 of 12');
  });
});
