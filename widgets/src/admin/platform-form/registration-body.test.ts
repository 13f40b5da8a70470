import { describe, expect, it } from 'vitest';
import { registrationBody, type FormValues } from './registration-body.js';

const typed = (over: Partial<FormValues> = {}): FormValues => ({
  name: '', productFamily: '', issuer: ' https://lms.example.edu ', clientId: 'c-1', deploymentIds: 'd-1\n\n d-2 ,d-3',
  authEndpoint: 'https://lms.example.edu/auth', tokenEndpoint: 'https://lms.example.edu/token', jwksUrl: 'https://lms.example.edu/jwks',
  frameOrigins: '', progressScores: '', ...over,
});

describe('what the "register an LMS by hand" form sends', () => {
  it('leaves out the optional fields left blank, so the LMS default and no extra frame addresses apply', () => {
    expect(registrationBody(typed())).toEqual({
      issuer: 'https://lms.example.edu', clientId: 'c-1', deploymentIds: ['d-1', 'd-2', 'd-3'],
      authEndpoint: 'https://lms.example.edu/auth', tokenEndpoint: 'https://lms.example.edu/token', jwksUrl: 'https://lms.example.edu/jwks',
    });
  });

  it('sends other frame addresses one per line, blank lines dropped, and the progress choice as true or false', () => {
    const body = registrationBody(typed({ frameOrigins: ' https://lms.springfield.k12.us \n\nhttps://a.example/x,y\r\n', progressScores: 'on' }));
    expect(body.frameOrigins).toEqual(['https://lms.springfield.k12.us', 'https://a.example/x,y']);
    expect(body.progressScores).toBe(true);
    expect(registrationBody(typed({ progressScores: 'off' })).progressScores).toBe(false);
  });
});
