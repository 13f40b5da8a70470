// The student page's code arrives in pieces (issue #8): the test itself up front, results and progress
// while the student works, Spanish strings only for a Spanish launch. Checks the build's first download
// leaves those out, that a student who loses the network after the first question still gets to results
// without fetching code again, and that results which could not be fetched can be fetched again.
import { readFileSync } from 'node:fs';
import type { FrameLocator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema } from '../../server/content/item.schema.js';
import type { RunningTool } from '../../server/main.js';
import { bundleSizes, MANIFEST } from '../bench/bundles.js';
import type { Platform, Placement } from '../platform/index.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { coursePageUrl, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';

let tool: RunningTool;
let platform: Platform;
let placement: Placement;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  let tenantId: string;
  ({ tool, lms: platform, tenantId } = await startToolWithLms({ productFamily: 'canvas' }));
  const items = ['1', '2'].map((n) => ItemSchema.parse({
    id: `chunks-${n}`, standards: ['7.RP.A.1'], difficulty: 0, stem: `Question number ${n}: which is larger?`,
    interaction: { type: 'single', shuffle: false, choices: [{ id: 'a', content: 'Two' }, { id: 'b', content: 'Ten' }], key: { correct: 'b' } },
    feedback: { explanation: 'Ten is more than two.' },
  }));
  const imported = await importBank(tenantId, items, [{ id: 'chunks-check', title: 'Chunks check', itemIds: items.map((i) => i.id) }]);
  if (imported.problems.length) throw new Error(JSON.stringify(imported.problems));
  await AssessmentModel.updateOne({ _id: imported.assessments[0]! }, { $set: { settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false } } });
  placement = platform.addPlacement({ title: 'Chunks check', custom: { growthline_assessment: imported.assessments[0]! } });
}, 120_000);

afterAll(() => stopLaunchTest(browser, platform, tool));

const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
/** The built chunk named after a module, e.g. "results" → "assets/results-AbC123.js". */
function builtFile(name: string): string {
  const files = Object.values(JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string }>).map((e) => e.file);
  const file = files.find((f) => f.startsWith(`assets/${name}-`) && f.endsWith('.js'));
  if (!file) throw new Error(`no chunk named ${name} in ${files.join(', ')}`);
  return file;
}
const LAZY = ['results', 'my-progress', 'strings.es'];

/** Every /assets file the page asked for, in order. */
function assetLog(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (req) => {
    const m = /\/assets\/([^?#]+)/.exec(req.url());
    if (m) log.push(`assets/${m[1]}`);
  });
  return log;
}

/** Answers both questions ("Ten") and submits from the review screen. */
async function answerAndSubmit(root: Page | FrameLocator, words: { next: RegExp; review: RegExp; submit: RegExp; confirm: RegExp }) {
  for (let n = 1; n <= 2; n++) {
    await root.getByRole('radio', { name: 'Ten' }).check();
    await root.getByRole('button', { name: n === 1 ? words.next : words.review }).click();
  }
  await root.getByRole('button', { name: words.submit }).click();
  await root.locator('dialog').getByRole('button', { name: words.confirm }).click();
}
const ENGLISH = { next: /^Next/, review: /^Review answers/, submit: /^Submit answers$/, confirm: /^Submit$/ };
const SPANISH = { next: /^Siguiente/, review: /^Revisar respuestas/, submit: /^Entregar respuestas$/, confirm: /^Entregar$/ };

describe('the student page, downloaded in pieces', () => {
  // Its size is measured by `npm run bench` (test/bench/bundles.ts), not here.
  it('starts without the results, progress or Spanish code, which come in files of their own', () => {
    const sizes = bundleSizes();
    if ('skipped' in sizes) throw new Error(sizes.skipped);
    const student = sizes.find((b) => b.page === 'student')!;
    for (const src of LAZY) expect(student.files, src).not.toContain(builtFile(src));
    expect(student.lazyGzipBytes).toBeGreaterThan(0);
  });

  it('fetches results while the student works, so a student offline from the first question still submits and sees results', async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const log = assetLog(page);
    await page.goto(coursePageUrl(platform, students()[0]!.id, placement));
    const f = page.frameLocator('#tool-frame');
    await expect.poll(() => f.getByRole('heading', { level: 2 }).textContent({ timeout: 20_000 }), { timeout: 25_000 }).toMatch(/Question 1 of 2/);
    await expect.poll(() => log, { timeout: 10_000 }).toEqual(expect.arrayContaining([builtFile(LAZY[0]!), builtFile(LAZY[1]!)]));
    expect(log).not.toContain(builtFile(LAZY[2]!));

    // From here on no script can arrive: offline now, and after reconnecting only the API answers.
    let lateAssets = 0;
    await page.route(`${tool.url}/assets/**`, (route: Route) => { lateAssets++; return route.abort('internetdisconnected'); });
    await browser.context.setOffline(true);
    await answerAndSubmit(f, ENGLISH);
    await expect.poll(() => f.locator('gl-test-runner [role="status"].phase').textContent(), { timeout: 10_000 }).toMatch(/You are offline/);
    await browser.context.setOffline(false);
    const results = f.locator('gl-results h2');
    await expect.poll(() => results.textContent({ timeout: 20_000 }).catch(() => ''), { timeout: 40_000 }).toMatch(/Your results/);
    await expect.poll(() => f.locator('gl-results h2:focus').count()).toBe(1);
    expect(lateAssets).toBe(0);
    await browser.close();
    browser = undefined;
  }, 120_000);

  it('says so when results cannot be fetched, and shows them on "Try again", in Spanish for a Spanish launch', async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const log = assetLog(page);
    const resultsFile = builtFile(LAZY[0]!);
    const block = (route: Route) => route.abort('connectionreset');
    await page.route(`${tool.url}/${resultsFile}`, block);
    await page.goto(platform.loginInitiationUrl({ userId: students()[1]!.id, resourceLinkId: placement.resourceLinkId, documentTarget: 'window', locale: 'es' }));
    const heading = page.getByRole('heading', { level: 2 });
    await expect.poll(() => heading.textContent({ timeout: 20_000 }), { timeout: 25_000 }).toMatch(/Pregunta 1 de 2/);
    expect(log).toContain(builtFile(LAZY[2]!));

    await answerAndSubmit(page, SPANISH);
    const alert = page.getByRole('alert').filter({ hasText: /No se pudo cargar/ });
    await expect.poll(() => alert.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('.lazy-error:focus').count()).toBe(1);
    await page.unroute(`${tool.url}/${resultsFile}`, block);
    await page.getByRole('button', { name: 'Intentar de nuevo' }).click();
    await expect.poll(() => page.locator('gl-results h2').textContent({ timeout: 20_000 }).catch(() => ''), { timeout: 25_000 }).toBe('Tus resultados');
    await expect.poll(() => page.locator('gl-results h2:focus').count()).toBe(1);
  }, 120_000);
});
