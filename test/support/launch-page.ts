// Growthline as a browser test sees it: the platform simulator's course page, launched for real in Chromium,
// with the tool in its #tool-frame. Opens that page as a user and finds the tool's document and widgets in it.
import { expect } from 'vitest';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { RunningTool } from '../../server/main.js';
import type { Placement, Platform } from '../platform/index.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/** Chromium with one desktop-sized tab (1280×900: the staff pages' wide layout) for the LMS course page. */
export async function openDesktopTab(): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  return { browser, page: await browser.context.newPage() };
}

/** afterAll of a launch test: the browser, then the LMS, then the tool; any of them missing if beforeAll failed early. */
export async function stopLaunchTest(browser?: TestBrowser, lms?: Platform, tool?: RunningTool): Promise<void> {
  await browser?.close();
  await lms?.stop();
  await tool?.stop();
}

/** The simulator's course page that launches `placement` as `user` (a DemoUser id) in its frame. */
export function coursePageUrl(lms: Platform, user: string, placement: Placement): string {
  return `${lms.url}/course/launch?${new URLSearchParams({ user, placement: placement.resourceLinkId })}`;
}

/** The tool's frame in the LMS page, once the launch has rendered `tag` with its heading; says what the frame shows if not. */
export async function toolFrame(page: Page, tag: string): Promise<{ frame: Frame; ui: FrameLocator }> {
  const ui = page.frameLocator('#tool-frame');
  const frame = await (await page.locator('#tool-frame').elementHandle())!.contentFrame();
  await ui.locator(tag).getByRole('heading', { level: 1 }).waitFor({ timeout: 20_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}\nThe frame shows ${frame?.url()}:\n${(await frame?.content())?.slice(0, 2000)}`);
  });
  return { frame: frame!, ui };
}

/** Launches `placement` as `user` from the course page and waits for the staff page (or `tag`) in the frame. */
export async function openToolPage(page: Page, lms: Platform, user: string, placement: Placement, tag = 'gl-teacher-page'): Promise<{ frame: Frame; ui: FrameLocator }> {
  await page.goto(coursePageUrl(lms, user, placement));
  return toolFrame(page, tag);
}

/** The session token the launch handed the page (the staff page keeps it as an attribute), for API checks. */
export async function pageSession(frame: Frame, tag = 'gl-teacher-page'): Promise<string> {
  return (await frame.evaluate((t) => document.querySelector(t)!.getAttribute('session'), tag))!;
}

/** The tool's document inside the LMS page (for axe and script), once the launch has loaded it. */
export async function toolDocument(page: Page, toolUrl: string): Promise<Frame> {
  const isTool = (f: Frame) => f.url().startsWith(toolUrl) && f.url().includes('/lti/');
  await expect.poll(() => page.frames().some(isTool), { timeout: 15_000 }).toBe(true);
  return page.frames().find(isTool)!;
}

export async function textOf(l: Locator, timeout = 15_000): Promise<string> {
  return (await l.first().textContent({ timeout })) ?? '';
}

/** Waits until the first element `l` finds says something matching `re`. */
export async function expectText(l: Locator, re: RegExp, timeout = 15_000): Promise<void> {
  await expect.poll(() => textOf(l, timeout).catch(() => ''), { timeout }).toMatch(re);
}
