import { describe, expect, it } from 'vitest';
import { formErrors } from './field-errors.js';

const FIELDS = ['issuer', 'clientId', 'deploymentIds'] as const;

describe('API problems on the admin forms', () => {
  it('puts each problem next to the field it names, the first one per field, a list item on its list', () => {
    const e = formErrors('The platform registration is not valid.', [
      { field: 'issuer', message: 'Invalid url' }, { field: 'issuer', message: 'second' }, { field: 'deploymentIds.2', message: 'too long' },
    ], FIELDS);
    expect(e).toEqual({ byField: { issuer: 'Invalid url', deploymentIds: 'too long' }, general: [] });
  });

  it('says which line of a list field is wrong when the form can name it', () => {
    const sent = { frameOrigins: ['https://ok.example', 'lms.example'] } as Record<string, string[]>;
    const e = formErrors('Bad', [{ field: 'frameOrigins.1', message: 'Invalid url' }, { field: 'issuer', message: 'Invalid url' }], ['issuer', 'frameOrigins'],
      (field, i, message) => (sent[field]?.[i] !== undefined ? `"${sent[field]![i]}": ${message}` : undefined));
    expect(e.byField).toEqual({ frameOrigins: '"lms.example": Invalid url', issuer: 'Invalid url' });
  });

  it('keeps problems about no field of the form, or no field at all, for the summary', () => {
    expect(formErrors('Bad', [{ field: 'scopes', message: 'unknown' }, { field: '(root)', message: 'Unrecognized key' }], FIELDS))
      .toEqual({ byField: {}, general: ['scopes: unknown', 'Unrecognized key'] });
    expect(formErrors('That LMS is already registered.', [], FIELDS)).toEqual({ byField: {}, general: ['That LMS is already registered.'] });
  });
});
