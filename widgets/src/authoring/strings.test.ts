import { describe, expect, it } from 'vitest';
import { authoringStrings, authoringTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('authoring strings', () => {
  it('Spanish has every English string, non-empty, with the same placeholders', () => {
    const { en, es } = authoringStrings;
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const spanish = es[key as keyof typeof en];
      expect(spanish.trim(), key).not.toBe('');
      expect(placeholders(spanish), key).toEqual(placeholders(text));
    }
  });

  it('uses the singular form for a count of one', () => {
    const t = authoringTranslator('en');
    expect(t('itemCount', { count: 1 })).toBe('1 item');
    expect(t('itemCount', { count: 3 })).toBe('3 items');
    expect(authoringTranslator('es')('itemCount', { count: 1 })).toBe('1 pregunta');
    expect(authoringTranslator('fr')('newItem')).toBe('New item');
  });
});
