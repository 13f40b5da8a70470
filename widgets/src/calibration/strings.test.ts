import { describe, expect, it } from 'vitest';
import { calibrationStrings, calibrationTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('item-quality strings', () => {
  it('has every English string in Spanish, with the same placeholders', () => {
    expect(Object.keys(calibrationStrings.es).sort()).toEqual(Object.keys(calibrationStrings.en).sort());
    for (const [key, en] of Object.entries(calibrationStrings.en)) {
      const es = calibrationStrings.es[key as keyof typeof calibrationStrings.en];
      expect(es.trim(), key).not.toBe('');
      expect(placeholders(es), key).toEqual(placeholders(en));
    }
  });

  it('speaks Spanish to es-MX and English otherwise', () => {
    expect(calibrationTranslator('es-MX')('recalculate')).toBe('Recalcular');
    expect(calibrationTranslator('fr')('recalculate')).toBe('Recalculate');
  });
});
