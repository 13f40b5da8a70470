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

async function openCourseAsStudent(context: BrowserContext, p: Platform): Promise<Page> {
  const page = await context.newPage();
  await blockToolCookies(page);
  await page.goto(`${p.url}/`);
  await page.getByRole('button', { name: /Launch as Aiyana Brooks/ }).first().click();
  return page;
}

describe('launch with third-party cookies blocked, framed cross-site', () => {
  it('succeeds inside the LMS frame through platform storage', async () => {
    const context = await browser.newContext();
    const page = await openCourseAsStudent(context, canvas);
    const frame = page.frameLocator('#tool-frame');
    await expect.poll(async () => frame.locator('gl-student-page').getAttribute('session', { timeout: 15_000 }), { timeout: 20_000 }).toBeTruthy();
    // It went through the storage check: the frame is still on the launch URL, with the page the
    // completion returned written into it (no cookie ever reached the tool).
    expect(completions).toBeGreaterThan(0);
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
});
