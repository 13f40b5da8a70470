import { describe, expect, it } from 'vitest';
import { isLearner, isStaff, parseRoles } from './roles.js';

const M = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const I = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#';

describe('LTI roles', () => {
  it('reads full-URI context roles', () => {
    expect(parseRoles([`${M}Learner`])).toEqual(['learner']);
    expect(isStaff(parseRoles([`${M}Instructor`]))).toBe(true);
  });
  it('reads teaching assistant sub-roles and simple names', () => {
    expect(parseRoles(['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'])).toEqual(['teaching-assistant']);
    expect(parseRoles(['Instructor'])).toEqual(['instructor']);
  });
  it('uses institution roles only when the launch carries no context role', () => {
    expect(parseRoles([`${I}Faculty`])).toEqual(['instructor']);
    expect(parseRoles([`${I}Administrator`, `${M}Learner`])).toEqual(['learner']);
    expect(isLearner(parseRoles([`${I}Student`]))).toBe(true);
  });
  it('keeps a district administrator who teaches the course an administrator (the district roll-up), but not one enrolled as a learner', () => {
    expect(parseRoles([`${I}Administrator`, `${M}Instructor`])).toEqual(['administrator', 'instructor']);
    expect(parseRoles(['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator', `${M}ContentDeveloper`])).toEqual(['administrator', 'content-developer']);
    expect(parseRoles([`${I}Instructor`, `${M}Instructor`])).toEqual(['instructor']);
  });
  it('ignores unknown, malformed and non-string roles', () => {
    expect(parseRoles(['urn:lti:role:ims/lis/Nonsense', 42, null, `${M}Guest`])).toEqual([]);
    expect(parseRoles('Instructor')).toEqual([]);
  });
  it('treats a learner who is also an instructor as staff', () => {
    const roles = parseRoles([`${M}Learner`, `${M}Instructor`]);
    expect(isStaff(roles)).toBe(true);
    expect(isLearner(roles)).toBe(false);
  });
});
