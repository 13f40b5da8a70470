// Acceptance: a district administrator opens /admin in Chromium (directly, not in an LMS frame), signs in with a
// wrong token and then the right one (kept in sessionStorage only), registers an LMS by hand with the keyboard alone
// (a bad URL first: the error summary takes focus and links to the field), adds a deployment, rotates the signing
// key, turns progress reports to the gradebook on and back to the LMS default, removes the LMS after typing its
// client id in a modal dialog, and registers another with an extra frame address and progress reports on. Every
// change is checked through the JSON admin API, and axe-core finds nothing on any state of the page.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { axeViolations, describeViolations, launchBrowser, type TestBrowser } from '../support/browser.js';
import { startTestTool } from '../support/tool.js';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
const LMS = { name: 'Springfield Schoology', issuer: 'https://schoology.springfield.example.edu', clientId: 'sfd-7781', deployment: 'sfd-dep-1' };
const CANVAS = { name: 'Shelbyville Canvas', issuer: 'https://canvas.instructure.com', clientId: '10000000000077', deployment: 'shb-dep-1', frameOrigin: 'https://lms.shelbyville.k12.us' };

let tool: RunningTool;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  process.env.ADMIN_TOKEN = ADMIN_TOKEN;
  tool = await startTestTool();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tool.url });
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  await browser?.close();
  await tool?.stop();
});

async function adminApi<T = any>(path: string): Promise<T> {
  const res = await fetch(`${tool.url}/api/admin${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<T>;
}

async function expectNoAxeViolations(where: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${where}:\n${describeViolations(v)}`).toEqual([]);
}

/** The focused element, through shadow roots: its id and accessible text. */
const focused = () => page.evaluate(() => {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return { id: a?.id ?? '', tag: a?.tagName.toLowerCase() ?? '', text: (a?.textContent ?? '').trim() };
});

const storage = () => page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
const status = () => page.locator('gl-admin-page .live');

describe('the admin page, opened directly in a browser', () => {
  it('signs in only with the right token, and keeps it in this tab\'s sessionStorage only', async () => {
    await page.goto(`${tool.url}/admin`);
    await page.getByRole('heading', { level: 1, name: 'Growthline administration' }).waitFor({ timeout: 20_000 });
    await expectNoAxeViolations('sign-in form');

    const token = page.getByLabel('Admin token');
    await token.fill(`wrong-${ADMIN_TOKEN}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByRole('alert');
    await expect.poll(() => error.textContent()).toContain('That is not the admin token.');
    expect(await token.getAttribute('aria-invalid')).toBe('true');
    expect(await token.getAttribute('aria-describedby')).toContain('token-error');
    expect((await focused()).id).toBe('token');
    expect(await storage()).toEqual({ session: {}, local: {} });
    await expectNoAxeViolations('sign-in error');

    await token.fill(ADMIN_TOKEN);
    await token.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Connect an LMS' }).waitFor();
    const kept = await storage();
    expect(Object.values(kept.session)).toEqual([ADMIN_TOKEN]);
    expect(kept.local).toEqual({});
    expect(page.url()).toBe(`${tool.url}/admin`);
    expect(await page.content()).not.toContain(ADMIN_TOKEN);
  }, 60_000);

  it('shows the values to paste into an LMS, each with a copy button', async () => {
    const tool_ = await adminApi('/tool');
    expect(await page.getByLabel('Dynamic Registration URL', { exact: true }).inputValue()).toBe(tool_.dynamicRegistrationUrl);
    expect(await page.getByLabel('Canvas JSON configuration URL', { exact: true }).inputValue()).toBe(`${tool.url}/lti/canvas.json`);
    expect(await page.getByLabel('Login (OIDC initiation) URL', { exact: true }).inputValue()).toBe(tool_.loginUrl);
    await page.getByRole('button', { name: 'Copy Public keyset (JWKS) URL' }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain('Public keyset (JWKS) URL copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(tool_.jwksUrl);
    expect(await page.getByText('No LMS is registered yet.').count()).toBe(1);
    await expectNoAxeViolations('signed in, nothing registered');
  }, 30_000);

  it('registers an LMS by hand with the keyboard alone, after the API points at a bad URL', async () => {
    const form = page.locator('gl-admin-platform-form');
    await form.getByLabel('Name').focus();
    const kb = page.keyboard;
    await kb.type(LMS.name);
    await kb.press('Tab'); // product
    await kb.press('ArrowDown'); await kb.press('ArrowDown'); // Other → Canvas → Schoology
    await kb.press('Tab'); await kb.type('schoology.springfield'); // no scheme: not a URL
    await kb.press('Tab'); await kb.type(LMS.clientId);
    await kb.press('Tab'); await kb.type(LMS.deployment);
    await kb.press('Tab'); await kb.type(`${LMS.issuer}/lti/authorize`);
    await kb.press('Tab'); await kb.type(`${LMS.issuer}/lti/token`);
    await kb.press('Tab'); await kb.type(`${LMS.issuer}/lti/jwks`);
    await kb.press('Enter');

    const summary = form.locator('#pf-summary');
    await summary.waitFor();
    expect((await focused()).id).toBe('pf-summary');
    expect(await summary.getByRole('heading').textContent()).toBe('There is a problem');
    const issuer = form.getByLabel('Issuer (platform id)');
    expect(await issuer.getAttribute('aria-invalid')).toBe('true');
    expect(await issuer.getAttribute('aria-describedby')).toBe('pf-issuer-hint pf-issuer-error');
    expect(await form.locator('#pf-issuer-error').textContent()).toMatch(/url/i);
    expect(await form.getByLabel('Client id').getAttribute('aria-invalid')).toBe('false');
    expect((await adminApi('/platforms')).platforms).toEqual([]);
    await expectNoAxeViolations('add form with an error');

    await kb.press('Tab'); // the summary's link to the field
    expect((await focused()).text).toMatch(/^Issuer \(platform id\):/);
    await kb.press('Enter');
    expect((await focused()).id).toBe('pf-issuer');
    await kb.press('Control+A');
    await kb.type(LMS.issuer);
    await kb.press('Enter');

    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain(`${LMS.name} is registered with 1 deployment.`);
    expect(await form.locator('#pf-summary').count()).toBe(0);
    const [p] = (await adminApi('/platforms')).platforms;
    expect(p).toMatchObject({
      name: LMS.name, issuer: LMS.issuer, clientId: LMS.clientId, productFamily: 'schoology', deploymentIds: [LMS.deployment], registeredVia: 'manual',
      progressScores: false, progressScoresSource: 'default',
    });
    const row = page.locator('gl-admin-platforms tbody tr', { hasText: LMS.name });
    await row.waitFor();
    expect(await row.textContent()).toContain('Grade passback: ✓ on');
    await expectNoAxeViolations('one LMS registered');
  }, 60_000);

  it('adds a deployment to the registered LMS', async () => {
    const box = page.getByLabel(`New deployment id for ${LMS.name}`);
    await box.fill('sfd-dep-2');
    await box.press('Enter');
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain(`Deployment sfd-dep-2 added to ${LMS.name}.`);
    expect((await adminApi('/platforms')).platforms[0].deploymentIds.sort()).toEqual(['sfd-dep-1', 'sfd-dep-2']);
    expect(await page.locator('gl-admin-platforms tbody tr').first().textContent()).toContain('sfd-dep-2');
  }, 30_000);

  it('turns progress reports to the gradebook on for the LMS, then back to the LMS default, with the keyboard', async () => {
    const row = page.locator('gl-admin-platforms tbody tr', { hasText: LMS.name });
    const choice = page.getByLabel(`Send 'Started' and 'In progress' to the gradebook for ${LMS.name}`);
    expect(await choice.inputValue()).toBe('default');
    expect(await row.textContent()).toContain('Now: off, the LMS default.');
    // The one-sentence explanation is what the control is described by (with its current state).
    const described = await choice.getAttribute('aria-describedby');
    expect(described?.split(' ')).toContain('progress-hint');
    expect(await page.locator('gl-admin-platforms #progress-hint').textContent()).toMatch(/Canvas and Moodle ignore these reports/);

    await choice.focus();
    await page.keyboard.press('ArrowDown'); // LMS default → On
    expect(await choice.inputValue()).toBe('on');
    expect((await adminApi('/platforms')).platforms[0]).toMatchObject({ progressScores: false, progressScoresSource: 'default' }); // nothing saved yet
    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe(`Save the progress setting for ${LMS.name}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain(`${LMS.name}: progress reports to the gradebook are on.`);
    expect((await adminApi('/platforms')).platforms[0]).toMatchObject({ progressScores: true, progressScoresSource: 'setting' });
    await expect.poll(() => row.textContent()).toContain('Now: on, chosen here.');
    expect(await choice.inputValue()).toBe('on');
    await expectNoAxeViolations('progress reports turned on');

    await choice.selectOption('default');
    await page.getByRole('button', { name: `Save the progress setting for ${LMS.name}` }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain(`${LMS.name}: progress reports to the gradebook follow the LMS default (off).`);
    expect((await adminApi('/platforms')).platforms[0]).toMatchObject({ progressScores: false, progressScoresSource: 'default' });
    await expect.poll(() => row.textContent()).toContain('Now: off, the LMS default.');
  }, 30_000);

  it('rotates the signing key with a grace period, and lists the previous key as still published', async () => {
    const before = (await adminApi('/keys')).keys as { kid: string; status: string }[];
    const grace = page.getByLabel('Grace period (hours)');
    await grace.fill('48');
    await page.getByRole('button', { name: 'Rotate the signing key' }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toMatch(/The new key \S+ is in use\. The previous key stays published for 48 hours\./);
    const after = (await adminApi('/keys')).keys as { kid: string; status: string; published: boolean; publishUntil: string }[];
    const current = after.find((k) => k.status === 'current')!;
    expect(await status().textContent()).toContain(current.kid);
    expect(before.map((k) => k.kid)).not.toContain(current.kid);
    const previous = after.filter((k) => k.status === 'previous' && k.published);
    if (before.length) expect(previous.map((k) => k.kid)).toContain(before.find((k) => k.status === 'current')!.kid);
    const keysTable = page.locator('gl-admin-signing-keys table');
    await expect.poll(() => keysTable.locator('tbody th').allTextContents()).toContain(current.kid);
    expect(await keysTable.locator('tbody tr', { hasText: current.kid }).textContent()).toContain('Current');
    await expectNoAxeViolations('after a key rotation');
  }, 30_000);

  it('removes the LMS only after its client id is typed in a modal dialog that says what will be deleted', async () => {
    const opener = page.getByRole('button', { name: `Remove ${LMS.name}…` });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: `Remove ${LMS.name}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('students\' answers and results');
    expect(await dialog.textContent()).toContain('sfd-dep-1, sfd-dep-2');
    expect((await focused()).id).toBe('dlg-confirm');
    await expectNoAxeViolations('removal dialog');

    // Tab stays inside the dialog: input → remove → cancel → input.
    await page.keyboard.press('Tab'); await page.keyboard.press('Tab'); await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('dlg-confirm');
    // Escape cancels and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await focused()).text).toBe('Remove…');
    expect((await adminApi('/platforms')).platforms).toHaveLength(1);

    await opener.click();
    await dialog.getByLabel(`Type the client id, ${LMS.clientId}, to confirm`).fill('sfd-7780');
    await dialog.getByRole('button', { name: 'Remove and delete the data' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe(`Type the client id exactly as shown: ${LMS.clientId}.`);
    expect((await adminApi('/platforms')).platforms).toHaveLength(1);
    await expectNoAxeViolations('removal dialog with an error');

    await dialog.getByLabel(`Type the client id, ${LMS.clientId}, to confirm`).fill(LMS.clientId);
    await dialog.getByRole('button', { name: 'Remove and delete the data' }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toMatch(new RegExp(`${LMS.name} is removed: \\d+ records deleted\\.`));
    expect(await dialog.isVisible()).toBe(false);
    expect((await adminApi('/platforms')).platforms).toEqual([]);
    expect((await focused()).id).toBe('platforms-h');
    await page.getByText('No LMS is registered yet.').waitFor();
    await expectNoAxeViolations('after the removal');
  }, 45_000);

  it('registers an LMS shown in a frame at another address too, with progress reports on from the start', async () => {
    const form = page.locator('gl-admin-platform-form');
    await form.getByLabel('Name').fill(CANVAS.name);
    await form.getByLabel('LMS product').selectOption('canvas');
    await form.getByLabel('Issuer (platform id)').fill(CANVAS.issuer);
    await form.getByLabel('Client id').fill(CANVAS.clientId);
    await form.getByLabel('Deployment ids').fill(CANVAS.deployment);
    await form.getByLabel('Authorization endpoint').fill('https://sso.canvaslms.com/api/lti/authorize_redirect');
    await form.getByLabel('Access token endpoint').fill('https://sso.canvaslms.com/login/oauth2/token');
    await form.getByLabel('Public keyset (JWKS) URL').fill('https://sso.canvaslms.com/api/lti/security/jwks');
    const frames = form.getByLabel('Other LMS addresses that show Growthline in a frame');
    expect(await frames.getAttribute('aria-required')).toBe('false');
    expect(await frames.getAttribute('aria-describedby')).toBe('pf-frameOrigins-hint');
    await frames.fill(`${CANVAS.frameOrigin}\n\nlms.shelbyville`); // the second is no URL
    const progress = form.getByLabel('Send \'Started\' and \'In progress\' to the gradebook');
    expect(await progress.getAttribute('aria-describedby')).toBe('pf-progressScores-hint');
    expect(await form.locator('#pf-progressScores-hint').textContent()).toMatch(/Canvas and Moodle ignore these reports/);
    await progress.selectOption('on');
    await form.getByRole('button', { name: 'Register the LMS' }).click();

    await form.locator('#pf-summary').waitFor();
    expect((await focused()).id).toBe('pf-summary');
    expect(await frames.getAttribute('aria-invalid')).toBe('true');
    expect(await frames.getAttribute('aria-describedby')).toBe('pf-frameOrigins-hint pf-frameOrigins-error');
    // The error names the entry that is wrong, not just the field.
    expect(await form.locator('#pf-frameOrigins-error').textContent()).toMatch(/"lms\.shelbyville": .*url/i);
    expect(await form.getByLabel('Issuer (platform id)').getAttribute('aria-invalid')).toBe('false');
    expect((await adminApi('/platforms')).platforms).toEqual([]);
    await expectNoAxeViolations('add form with a bad frame address');

    await frames.fill(CANVAS.frameOrigin);
    await frames.press('Tab');
    await form.getByRole('button', { name: 'Register the LMS' }).press('Enter');
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain(`${CANVAS.name} is registered with 1 deployment.`);
    const [p] = (await adminApi('/platforms')).platforms;
    expect(p).toMatchObject({ name: CANVAS.name, productFamily: 'canvas', progressScores: true, progressScoresSource: 'setting' });
    // The extra address may now frame the tool's LMS-facing pages.
    const csp = (await fetch(`${tool.url}/healthz`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(new RegExp(`frame-ancestors [^;]*${CANVAS.frameOrigin.replace(/[.]/g, '\\.')}`));
    const row = page.locator('gl-admin-platforms tbody tr', { hasText: CANVAS.name });
    await expect.poll(() => row.textContent()).toContain('Now: on, chosen here.');
    expect(await page.getByLabel(`Send 'Started' and 'In progress' to the gradebook for ${CANVAS.name}`).inputValue()).toBe('on');
    await expectNoAxeViolations('an LMS registered with progress reports on');
  }, 60_000);

  it('forgets the token on "Sign out"', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    expect(await storage()).toEqual({ session: {}, local: {} });
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toContain('You are signed out.');
    await page.reload();
    await page.getByLabel('Admin token').waitFor();
    expect(await page.getByRole('heading', { name: 'Connect an LMS' }).count()).toBe(0);
  }, 30_000);
});
