// In a real browser: the tool framed cross-site in the demo LMS (LMS on 127.0.0.1, tool on
// localhost) with every tool cookie blocked inside the LMS page. A Canvas-style LMS offers platform
// storage and the launch succeeds in the frame; a Moodle-style LMS offers none and the launch
// succeeds in a new window.
import { request, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, type Platform } from '../platform/index.js';
import { launchChromium } from '../support/chromium.js';
import { registerSimulator } from '../support/lti.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let canvas: Platform;
let moodle: Platform;
let browser: Browser;



beforeAll(async () => {
  tool = await startTestTool({}, { host: 'localhost' });
  canvas = createPlatform({ toolUrl: tool.url, productFamily: 'canvas' });
  moodle = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await canvas.start();
  await moodle.start();
  await registerSimulator(tool, canvas);
  await registerSimulator(tool, moodle);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await canvas?.stop();
  await moodle?.stop();
  await tool?.stop();
});

/**
 * Blocks every cookie between this page (the LMS page and the tool in its frame) and the tool, as
 * a browser blocking third-party cookies does: requests go through a separate request context
 * with no cookie jar, and Set-Cookie never reaches the browser. Other pages (a new window) keep
 * cookies, as first-party pages do.
 */
let completions = 0;

async function blockToolCookies(page: Page) {
  await page.route(`${tool.url}/**`, async (route) => {
    const req = route.request();
    const headers = { ...(await req.allHeaders()) };
    if (req.url().endsWith('/lti/launch/complete')) completions++;
    delete headers.cookie;
    // A fresh request context each time: its own jar starts empty and is thrown away.
    const jarless = await request.newContext();
    try {
      const response = await jarless.fetch(req.url(), { method: req.method(), headers, data: req.postDataBuffer() ?? undefined, maxRedirects: 0 });
      const out = { ...response.headers() };
      delete out['set-cookie'];
      await route.fulfill({ status: response.status(), headers: out, body: await response.body() });
    } finally {
      await jarless.dispose();
    }
  });
}

/** Records every id_token the LMS page posts to the tool, so a test can replay one. */
function recordLaunchPosts(page: Page): { url: string; body: string }[] {
  const posts: { url: string; body: string }[] = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/lti/launch')) posts.push({ url: r.url(), body: r.postData() ?? '' }); });
  return posts;
}

/** Re-posts a captured id_token from inside the browser, as an attacker replaying it would. */
async function replay(page: Page, post: { url: string; body: string }): Promise<string> {
  const params = Object.fromEntries(new URLSearchParams(post.body));
  const replayPage = await page.context().newPage();
  await replayPage.setContent(`<form method="post" action="${post.url}">${Object.entries(params).map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('')}</form>`);
  await Promise.all([replayPage.waitForNavigation(), replayPage.evaluate(() => document.forms[0]!.submit())]);
  const text = await replayPage.content();
  await replayPage.close();
  return text;
}

async function openCourseAsStudent(context: BrowserContext, p: Platform, before?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage();
  await blockToolCookies(page);
  await before?.(page);
  await page.goto(`${p.url}/`);
  await page.getByRole('button', { name: /Launch as Aiyana Brooks/ }).first().click();
  return page;
}

describe('launch with third-party cookies blocked, framed cross-site', () => {
  it('succeeds inside the LMS frame through platform storage', async () => {
    const context = await browser.newContext();
    let posts: { url: string; body: string }[] = [];
    const page = await openCourseAsStudent(context, canvas, async (p) => { posts = recordLaunchPosts(p); });
    const frame = page.frameLocator('#tool-frame');
    await expect.poll(async () => frame.locator('gl-student-page').getAttribute('session', { timeout: 15_000 }), { timeout: 20_000 }).toBeTruthy();
    // It went through the storage check: the frame is still on the launch URL, with the page the
    // completion returned written into it (no cookie ever reached the tool).
    expect(completions).toBeGreaterThan(0);
    // Replaying the same id_token and state afterwards is refused.
    expect(posts).toHaveLength(1);
    const replayed = await replay(page, posts[0]!);
    expect(replayed).toContain('already used');
    expect(replayed).not.toContain('data-mode="verify"');
    await context.close();
  });

  it('refuses a launch whose state the LMS frame does not hold (forged), showing no session', async () => {
    const context = await browser.newContext();
    // The LMS page answers every lti.get_data with a value the tool never stored, before the LMS's own handler.
    const page = await openCourseAsStudent(context, canvas, async (p) => {
      await p.addInitScript(() => {
        window.addEventListener('message', (event) => {
          const m = event.data as { subject?: string; message_id?: string; key?: string } | null;
          if (!m || m.subject !== 'lti.get_data') return;
          event.stopImmediatePropagation();
          (event.source as Window).postMessage({ subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, value: 'forged-value' }, event.origin);
        }, true);
      });
    });
    const frame = page.frameLocator('#tool-frame');
    await frame.getByRole('link', { name: 'Open in a new window' }).waitFor({ timeout: 15_000 });
    expect(await frame.locator('gl-student-page').count()).toBe(0);
    await context.close();
  });

  it('offers a new window when the LMS has no platform storage, and succeeds there', async () => {
    const context = await browser.newContext();
    const page = await openCourseAsStudent(context, moodle);
    const frame = page.frameLocator('#tool-frame');
    const link = frame.getByRole('link', { name: 'Open in a new window' });
    await link.waitFor({ timeout: 15_000 });
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await expect.poll(async () => popup.locator('gl-student-page').getAttribute('session', { timeout: 15_000 }), { timeout: 20_000 }).toBeTruthy();
    await context.close();
  });

  it('refuses a forged state and a replayed launch on the new-window path', async () => {
    const context = await browser.newContext();
    const posts: { url: string; body: string }[] = [];
    context.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/lti/launch')) posts.push({ url: r.url(), body: r.postData() ?? '' }); });
    const page = await openCourseAsStudent(context, moodle);
    const link = page.frameLocator('#tool-frame').getByRole('link', { name: 'Open in a new window' });
    await link.waitFor({ timeout: 15_000 });
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await expect.poll(async () => popup.locator('gl-student-page').getAttribute('session', { timeout: 15_000 }), { timeout: 20_000 }).toBeTruthy();
    await expect.poll(() => posts.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const completed = posts.at(-1)!;
    // Replay of the launch that succeeded in the new window.
    expect(await replay(popup, completed)).toContain('already used');
    // The same id_token with a state the tool never issued.
    const forged = new URLSearchParams(completed.body);
    forged.set('state', 'forged-state-never-issued');
    const refused = await replay(popup, { url: completed.url, body: forged.toString() });
    expect(refused).toContain('did not start from a login this tool knows about');
    expect(refused).not.toContain('session=');
    await context.close();
  });
});
