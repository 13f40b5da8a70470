import { describe, expect, it } from 'vitest';
import { adminStrings, adminTranslator } from './strings.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('admin page strings', () => {
  it('has every English string in Spanish, with the same placeholders', () => {
    expect(Object.keys(adminStrings.es).sort()).toEqual(Object.keys(adminStrings.en).sort());
    for (const [key, en] of Object.entries(adminStrings.en)) {
      const es = adminStrings.es[key as keyof typeof adminStrings.en];
      expect(es.trim(), key).not.toBe('');
      expect(placeholders(es), key).toEqual(placeholders(en));
    }
  });

  it('says "1 registered LMS", not "1 registered LMSs", and speaks Spanish to es-419', () => {
    expect(adminTranslator('en')('platformsCaption', { n: 1 })).toBe('1 registered LMS');
    expect(adminTranslator('en')('platformsCaption', { n: 2 })).toBe('2 registered LMSs');
    expect(adminTranslator('es-419')('signOut')).toBe('Cerrar sesión');
  });
});
