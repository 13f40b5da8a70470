// The administrator's page and the admin API's privacy routes behind it: /admin cannot be framed by any
// site (an LMS included) and carries no secret; without ADMIN_TOKEN it says how to turn the API on; a
// student's data is exported and deleted by the administrator, only after the student id is repeated.
import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPage } from '../../server/admin/admin.page.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
let tool: RunningTool;
let home: TestTenant;
let student: TestSession;
let classmate: TestSession;

beforeAll(async () => {
  process.env.ADMIN_TOKEN = ADMIN_TOKEN;
  tool = await startTestTool();
  home = await createTestTenant();
  student = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: 'stu-admin-page', userName: 'Marisol Exportova' });
  classmate = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: 'stu-classmate', userName: 'Tobiah Staysput' });
}, 60_000);

afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  await tool?.stop();
});

const admin = (method: 'get' | 'post', path: string) => request(tool.app.app)[method](`/api/admin${path}`).set('authorization', `Bearer ${ADMIN_TOKEN}`);

describe('the admin page', () => {
  it('cannot be framed by any site, not even a registered LMS, while launch pages still can be', async () => {
    const res = await request(tool.app.app).get('/admin').set('accept-language', 'en');
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/frame-ancestors 'none'(;|$)/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    // The change is local to /admin: the tool itself stays frameable by its LMSs.
    const other = await request(tool.app.app).get('/healthz');
    expect(other.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
  });

  it('holds no token in its HTML, and tells the page the admin API is on', async () => {
    const res = await request(tool.app.app).get('/admin');
    expect(res.text).toContain('<gl-admin-page admin-api="on" locale="en"');
    expect(res.text).not.toContain(ADMIN_TOKEN);
    expect(res.text).not.toMatch(/session="/);
    expect(res.text).toMatch(/<script type="module" src="\/assets\/admin-[\w-]+\.js">/);
  });

  it('is in Spanish for a Spanish-speaking browser', async () => {
    const res = await request(tool.app.app).get('/admin').set('accept-language', 'es-MX,es;q=0.9');
    expect(res.text).toContain('<html lang="es">');
    expect(res.text).toContain('locale="es"');
  });

  it('tells the page the admin API is off when ADMIN_TOKEN is unset or too short', async () => {
    for (const adminToken of [undefined, 'short']) {
      const app = express().get('/admin', adminPage({ adminToken }));
      const res = await request(app).get('/admin');
      expect(res.status).toBe(200);
      expect(res.text).toContain('admin-api="off"');
    }
  });
});

describe('registering an LMS through the admin API', () => {
  it('lets an LMS on another domain frame Growthline when its origin is given, and refuses an origin that is not a URL', async () => {
    const issuer = `https://lms-${randomBytes(3).toString('hex')}.example.edu`;
    const body = { issuer, clientId: 'fo1', deploymentIds: ['d1'], authEndpoint: `${issuer}/auth`, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks` };
    const bad = await request(tool.app.app).post('/api/admin/platforms').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ ...body, frameOrigins: ['not a url'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('frameOrigins');
    const ok = await request(tool.app.app).post('/api/admin/platforms').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ ...body, frameOrigins: ['https://district.custom-lms.example'] });
    expect(ok.status).toBe(201);
    const page = await request(tool.app.app).get('/healthz');
    expect(page.headers['content-security-policy']).toContain('https://district.custom-lms.example');
  });
});

describe('a student\'s data through the admin API', () => {
  const who = (s = 'stu-admin-page') => ({ platformId: home.platformId, deploymentId: 'dep-1', student: s });

  it('exports everything about the student by their LMS user id, and nobody else\'s', async () => {
    const res = await admin('post', '/privacy/student-export').send(who());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.format).toBe('growthline-student-export/1');
    expect(res.body.student).toMatchObject({ personId: student.ctx.userId, sub: 'stu-admin-page' });
    expect(JSON.stringify(res.body)).toContain('Marisol Exportova');
    expect(JSON.stringify(res.body)).not.toContain('Tobiah Staysput');
  });

  it('says so when the student, the deployment or the platform is unknown, and creates nothing', async () => {
    expect((await admin('post', '/privacy/student-export').send(who('nobody-here'))).status).toBe(404);
    expect((await admin('post', '/privacy/student-export').send({ ...who(), deploymentId: 'dep-unknown' })).status).toBe(404);
    expect((await admin('post', '/privacy/student-export').send({ ...who(), platformId: '0123456789abcdef01234567' })).status).toBe(404);
    const platforms = (await admin('get', '/platforms')).body.platforms as { id: string; deploymentIds: string[] }[];
    expect(platforms.find((p) => p.id === home.platformId)!.deploymentIds).toEqual(['dep-1']);
  });

  it('refuses a deletion whose confirmation does not repeat the student id, and deletes nothing', async () => {
    const res = await admin('post', '/privacy/student-deletion').send({ ...who(), confirm: 'stu-classmate' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'confirm', message: 'does not match the student id' }]);
    expect((await admin('post', '/privacy/student-export').send(who())).status).toBe(200);
  });

  it('needs the admin token: a student\'s own session cannot export or delete', async () => {
    const res = await request(tool.app.app).post('/api/admin/privacy/student-export').set(student.auth).send(who());
    expect(res.status).toBe(401);
  });

  it('deletes the student\'s data after the confirmation, and keeps the classmate\'s', async () => {
    const res = await admin('post', '/privacy/student-deletion').send({ ...who(), confirm: 'stu-admin-page' });
    expect(res.status).toBe(200);
    expect(Object.values(res.body.deleted as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect((await admin('post', '/privacy/student-export').send(who())).status).toBe(404);
    expect((await admin('post', '/privacy/student-export').send(who('stu-classmate'))).status).toBe(200);
  });
});
