// Browser tests' Chromium: Debian's own binary (never a downloaded one) with the flags this machine
// needs, in a fresh temporary profile per launch so no test sees another's storage; plus axe-core.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

export interface TestBrowser {
  context: BrowserContext;
  /** The profile directory: relaunch with it to test what survives closing the browser. */
  userDataDir: string;
  close(o?: { keepProfile?: boolean }): Promise<void>;
}

export async function launchBrowser(o: { userDataDir?: string; viewport?: { width: number; height: number }; locale?: string } = {}): Promise<TestBrowser> {
  const userDataDir = o.userDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'growthline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true,
    viewport: o.viewport ?? { width: 1024, height: 768 }, locale: o.locale ?? 'en-US',
  });
  return {
    context,
    userDataDir,
    async close(c = {}) {
      await context.close().catch(() => undefined);
      if (!c.keepProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string; failureSummary?: string }[] }

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in a page or frame and returns its violations.
 * `include` limits the check to part of the page (e.g. the tool's element inside an LMS page).
 */
export async function axeViolations(target: Page | Frame, o: { include?: string } = {}): Promise<AxeViolation[]> {
  const has = await target.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // page.addScriptTag({ path }) adds an inline <script>, which the tool's CSP (script-src 'self')
  // rightly blocks; evaluating the same file through the DevTools protocol is not subject to CSP.
  if (!has) await target.evaluate((src) => { (0, eval)(src); }, axeSource ??= readFileSync(AXE_PATH, 'utf8'));
  return target.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(include ? { include: [include] } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) }));
  }, o.include);
}

/** Violations as readable lines, for assertion messages. */
export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n${x.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}\n  ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}

/** Fails the test with axe's readable findings, naming the view (`where`), unless there are none. */
export async function expectNoAxeViolations(target: Page | Frame, where: string, o: { include?: string } = {}): Promise<void> {
  const v = await axeViolations(target, o);
  expect(v, `${where}:\n${describeViolations(v)}`).toEqual([]);
}
