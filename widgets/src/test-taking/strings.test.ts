import { describe, expect, it } from 'vitest';
import { es } from './strings.es.js';
import { loadTestStrings, testStrings, testTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('test-taking strings', () => {
  it('has every English string in Spanish, with the same placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(testStrings.en).sort());
    for (const [key, en] of Object.entries(testStrings.en)) {
      const text = es[key as keyof typeof testStrings.en];
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(en));
    }
  });

  it('speaks Spanish once the Spanish strings are loaded, English before that and for an unknown locale', async () => {
    expect(testTranslator('es')('questionOf', { n: 3, total: 12 })).toBe('Question 3 of 12');
    await loadTestStrings('es');
    expect(testTranslator('es')('questionOf', { n: 3, total: 12 })).toBe('Pregunta 3 de 12');
    await loadTestStrings('fr');
    expect(testTranslator('fr')('questionOf', { n: 3, total: 12 })).toBe('Question 3 of 12');
  });
});
