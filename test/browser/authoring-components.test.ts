// The authoring components in Chromium, against a scripted Content API: the built teacher and picker
// pages (dist/widgets) served from memory with every request answered by page.route, so each case can
// show an exact server answer (validation problems, assembly failures) and count the calls made.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser, type TestBrowser } from '../support/browser.js';

const ORIGIN = 'http://growthline.test';
const RETURN_URL = 'http://lms.test/deep-link-return';
const DIST = path.resolve('dist/widgets');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: TestBrowser;
let files: Map<string, string>;
let manifest: Record<string, { file: string }>;

// ---- a scripted Content API --------------------------------------------------------------------

interface Api { calls: { method: string; path: string; body: unknown }[]; lmsPosts: string[]; assessments: Record<string, unknown>[] }
let api: Api;

const standards = [
  { framework: 'CCSS.Math', code: '7.RP', grade: '7', description: 'Ratios and proportional relationships.', kind: 'domain' },
  { framework: 'CCSS.Math', code: '7.RP.A.1', grade: '7', description: 'Find unit rates with fractions.', parent: '7.RP', kind: 'standard' },
  { framework: 'CCSS.Math', code: '7.RP.A.2', grade: '7', description: 'Recognize proportional relationships.', parent: '7.RP', kind: 'standard' },
  { framework: 'CCSS.Math', code: '6.RP.A.1', grade: '6', description: 'Understand ratios.', kind: 'standard' },
];

const starterItem = {
  id: 'grade-7-rp-01', version: 1, framework: 'CCSS.Math', standards: ['7.RP.A.1'], difficulty: -0.5,
  stem: 'A car goes 120 miles in 2 hours. How fast?',
  interaction: { type: 'single', shuffle: false, choices: [{ id: 'a', content: '60 mph' }, { id: 'b', content: '240 mph' }], key: { correct: 'a' } },
  feedback: { explanation: '120 ÷ 2 = 60.', choices: { b: 'Multiplied instead of dividing.' } },
  owner: 'starter', editable: false, html: { stem: '<p>A car goes 120 miles in 2 hours. How fast?</p>', choices: { a: '60 mph', b: '240 mph' } },
};
const courseItem = {
  id: 'course-item-01', version: 3, framework: 'CCSS.Math', standards: ['7.RP.A.2'], difficulty: 1.2, stem: 'What is 3/4 of 12?',
  interaction: { type: 'numeric', key: { value: 9, tolerance: 0, allowFractions: false } }, feedback: { explanation: 'Multiply.', choices: {} },
  owner: 'course', editable: true, html: { stem: '<p>What is 3/4 of 12?</p>' },
};

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const problem = (status: number, detail: string, errors: { field: string; message: string }[] = []) =>
  ({ status, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'The request is not valid', status, detail, errors }) });

function answer(req: Request): { status?: number; body: string; contentType?: string } {
  const url = new URL(req.url());
  const p = url.pathname.replace(/^\/api/, '');
  const body = req.postDataJSON() as Record<string, any> | null;
  const method = req.method();
  api.calls.push({ method, path: p + url.search, body });
  const json = (v: unknown, status = 200) => ({ status, body: JSON.stringify(v) });
  if (p === '/session') {
    const kind = url.searchParams.get('kind') ?? 'resource-link';
    return json({ user: { id: 'u1', displayName: 'Maya Okafor', roles: ['instructor'] }, course: { id: 'c1', title: 'Grade 7 Math' }, placement: { id: 'p1', title: 'Pre-test' }, kind, locale: 'en' });
  }
  if (p === '/standards') return json({ standards });
  if (p === '/items' && method === 'GET') {
    const owner = url.searchParams.get('owner');
    const items = [starterItem, courseItem].filter((i) => owner === 'all' || (owner === 'starter') === (i.owner === 'starter'));
    return json({ items, total: items.length });
  }
  if (p === '/items/preview') {
    const stem = String(body?.stem ?? '');
    const choices = body?.interaction?.choices?.map((c: { id: string; content: string }) => ({ id: c.id, html: esc(c.content) }));
    return json({
      item: { position: 1, itemId: 'preview', version: 1, type: body?.interaction?.type, stemHtml: `<p>${esc(stem)}</p>`, ...(choices ? { choices } : {}) },
      problems: stem.includes('TODO') ? ['stem: remove the TODO note before students see it'] : [],
    });
  }
  if (p === '/items' && method === 'POST') {
    if (String(body?.stem).includes('SERVER-ERROR')) {
      return problem(400, 'The item cannot be saved: interaction.choices.0.content: an image needs alt text.', [{ field: 'interaction.choices.0.content', message: 'an image needs alt text' }]);
    }
    return json({ ...body, id: 'new-item-1', version: 1, owner: 'course', editable: true, html: { stem: `<p>${esc(body?.stem)}</p>` } }, 201);
  }
  if (p.startsWith('/items/') && method === 'PUT') return json({ ...body, id: p.split('/')[2], version: 4, owner: 'course', editable: true, html: { stem: '' } });
  if (p === '/assessments' && method === 'GET') return json({ assessments: api.assessments });
  if (p === '/assessments' && method === 'POST') {
    if (body?.title === 'Too big') {
      return problem(400, 'The item bank cannot fill this blueprint: 7.RP.A.1 needs 8 items for 2 forms of 4; the bank has 6.',
        [{ field: 'blueprint.0', message: '7.RP.A.1 needs 8 items for 2 forms of 4; the bank has 6' }]);
    }
    const made = ['pre', 'post'].map((kind, n) => ({
      id: `a-${kind}`, title: `${body!.title} — ${n ? 'Post' : 'Pre'}-test`, grade: body!.grade, kind, pairedWith: n ? 'a-pre' : 'a-post',
      standards: body!.blueprint.map((b: { standard: string }) => b.standard), itemCount: 4, owner: 'course',
    }));
    api.assessments.push(...made);
    return json({ assessments: made }, 201);
  }
  if (p.startsWith('/assessments/')) {
    const a = api.assessments.find((x) => x.id === p.split('/')[2]);
    return json({ ...a, blueprint: [], settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false }, forms: [],
      difficulty: [{ standard: '7.RP.A.1', meanByForm: [-0.2, 0.1], maxGap: 0.3 }, { standard: '7.RP.A.2', meanByForm: [0.2, 1.0], maxGap: 0.8 }] });
  }
  if (p === '/deep-linking/response') return json({ returnUrl: RETURN_URL, jwt: 'header.payload.signature' });
  return problem(404, `No API route ${method} ${p}`);
}

async function serve(route: Route): Promise<void> {
  const req = route.request();
  const url = new URL(req.url());
  if (url.origin === new URL(RETURN_URL).origin) {
    api.lmsPosts.push(req.postData() ?? '');
    return route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>LMS</title><h1>Back in the LMS</h1></html>' });
  }
  if (url.pathname.startsWith('/api/')) {
    const a = answer(req);
    return route.fulfill({ status: a.status ?? 200, contentType: a.contentType ?? 'application/json', body: a.body });
  }
  if (url.pathname.startsWith('/assets/')) return route.fulfill({ contentType: 'text/javascript', body: files.get(url.pathname.slice(8)) ?? '' });
  if (url.pathname === '/static/theme.css') return route.fulfill({ contentType: 'text/css', body: readFileSync('server/static/theme.css', 'utf8') });
  const page = url.pathname.slice(1) as 'teacher' | 'picker';
  const locale = url.searchParams.get('locale') ?? 'en';
  const kind = page === 'picker' ? 'deep-linking' : 'resource-link';
  const entry = manifest[`widgets/src/pages/${page}.ts`]!.file.replace(/^assets\//, '');
  return route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Growthline</title><link rel="stylesheet" href="/static/theme.css"><script type="module" src="/assets/${entry}"></script></head>
<body><gl-${page}-page session="test-token" locale="${locale}" data-kind="${kind}"></gl-${page}-page></body></html>`,
  });
}

// ---- helpers ---------------------------------------------------------------------------------

async function open(which: 'teacher' | 'picker', o: { width?: number; locale?: string } = {}): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: o.width ?? 1100, height: 900 });
  await page.route('**/*', serve);
  await page.goto(`${ORIGIN}/${which}?locale=${o.locale ?? 'en'}`);
  await page.locator(`gl-${which}-page`).getByRole('heading', { level: 1 }).waitFor();
  return page;
}

async function expectAccessible(page: Page, include: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const v = await axeViolations(page, { include });
  expect(v, describeViolations(v)).toEqual([]);
}

/** No sideways scrolling: the page fits its viewport (WCAG 1.4.10 reflow at 320 CSS px). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

const focusedText = (page: Page) => page.evaluate(() => {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return `${el?.getAttribute('role') ?? el?.tagName.toLowerCase()}:${el?.textContent?.trim().replace(/\s+/g, ' ')}`;
});

async function openEditor(page: Page) {
  await page.getByRole('tab', { name: 'Item bank' }).click();
  await page.getByRole('button', { name: 'New item' }).click();
  const editor = page.locator('gl-item-editor');
  await editor.getByRole('heading', { name: 'New item' }).waitFor();
  return editor;
}

beforeAll(async () => {
  manifest = JSON.parse(readFileSync(path.join(DIST, '.vite', 'manifest.json'), 'utf8'));
  // Read the whole build now: another build in the same tree may replace dist/widgets mid-test.
  files = new Map(readdirSync(path.join(DIST, 'assets')).map((f) => [f, readFileSync(path.join(DIST, 'assets', f), 'utf8')]));
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => { await browser?.close(); });
beforeEach(() => { api = { calls: [], lmsPosts: [], assessments: [] }; });

// ---- cases ---------------------------------------------------------------------------------------

describe('teacher page tabs', () => {
  it('move with the arrow keys, Home and End, and show one panel at a time', async () => {
    const page = await open('teacher');
    const tab = (name: string) => page.getByRole('tab', { name });
    await tab('Overview').focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab('Item bank').getAttribute('aria-selected')).toBe('true');
    expect(await focusedText(page)).toBe('tab:Item bank');
    expect(await page.getByRole('tabpanel').count()).toBe(1);
    await page.getByRole('tabpanel', { name: 'Item bank' }).getByRole('heading', { name: 'Item bank' }).waitFor();
    await page.keyboard.press('End');
    expect(await focusedText(page)).toBe('tab:Item quality');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedText(page)).toBe('tab:Build an assessment');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect(await focusedText(page)).toBe('tab:Dashboard');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedText(page)).toBe('tab:Item quality');
    await page.keyboard.press('Home');
    expect(await tab('Dashboard').getAttribute('aria-selected')).toBe('true');
    expect(await tab('Item bank').getAttribute('tabindex')).toBe('-1');
    await page.keyboard.press('ArrowRight');
    expect(await tab('Overview').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel').textContent()).toContain('You opened "Pre-test" as a teacher');
    await page.close();
  });

  it('are in Spanish for a Spanish launch', async () => {
    const page = await open('teacher', { locale: 'es' });
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Panel', 'Resumen', 'Banco de preguntas', 'Crear una evaluación', 'Calidad de las preguntas']);
    await page.close();
  });
});

describe('item bank', () => {
  it('shows owner and version, offers Edit for the course\'s items and Duplicate to edit for starter items', async () => {
    const page = await open('teacher', { width: 320 });
    await page.getByRole('tab', { name: 'Item bank' }).click();
    const bank = page.locator('gl-item-bank');
    await bank.getByRole('status').filter({ hasText: 'Showing' }).waitFor();
    const [starter, mine] = await bank.locator('ul.items > li').all();
    expect(await starter!.textContent()).toMatch(/Growthline starter bank[\s\S]*Version\s*1/);
    expect(await starter!.getByRole('button').textContent()).toBe('Duplicate to edit');
    expect(await mine!.textContent()).toMatch(/This course[\s\S]*Version\s*3/);
    expect(await mine!.getByRole('button').textContent()).toBe('Edit');
    await expectAccessible(page, 'gl-teacher-page');
    await expectNoSidewaysScroll(page);
    await bank.getByLabel('From', { exact: true }).selectOption('starter');
    await expect.poll(() => api.calls.at(-1)?.path).toBe('/items?page=1&limit=20&owner=starter');
    await page.close();
  });

  it('duplicating a starter item saves a new item (POST), then edits it', async () => {
    const page = await open('teacher');
    await page.getByRole('tab', { name: 'Item bank' }).click();
    await page.getByRole('button', { name: 'Duplicate to edit' }).click();
    const editor = page.locator('gl-item-editor');
    await editor.getByRole('heading', { name: 'Copy of a starter item' }).waitFor();
    expect(await focusedText(page)).toBe('h2:Copy of a starter item');
    expect(await editor.getByLabel('Choice 1', { exact: true }).inputValue()).toBe('60 mph');
    await editor.getByRole('button', { name: 'Save item' }).click();
    await editor.getByRole('heading', { name: 'Edit item new-item-1' }).waitFor();
    expect(await editor.locator('.status').textContent()).toBe('Saved. This is version 1.');
    const saves = api.calls.filter((c) => c.path === '/items' && c.method === 'POST');
    expect(saves).toHaveLength(1);
    expect(saves[0]!.body).not.toHaveProperty('id');
    expect(saves[0]!.body).toMatchObject({ interaction: { key: { correct: 'a' } }, feedback: { choices: { b: 'Multiplied instead of dividing.' } } });
    await page.close();
  });

  it('editing a course item saves a new version with PUT', async () => {
    const page = await open('teacher');
    await page.getByRole('tab', { name: 'Item bank' }).click();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editor = page.locator('gl-item-editor');
    expect(await editor.getByLabel('Correct value').inputValue()).toBe('9');
    await editor.getByLabel('Accept fractions and mixed numbers (like 3/4 or 1 1/2)').check();
    await editor.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => editor.locator('.status').textContent()).toBe('Saved. This is version 4.');
    const put = api.calls.find((c) => c.method === 'PUT');
    expect(put?.path).toBe('/items/course-item-01');
    expect(put?.body).toMatchObject({ interaction: { type: 'numeric', key: { value: 9, allowFractions: true } } });
    await page.close();
  });
});

describe('item editor', () => {
  it('shows the answer key controls of every interaction type', async () => {
    const page = await open('teacher');
    const editor = await openEditor(page);
    const type = editor.getByLabel('Question type');
    expect(await editor.getByRole('radio', { name: /^Correct answer/ }).count()).toBe(2);
    await type.selectOption('multiple');
    expect(await editor.getByRole('checkbox', { name: /^Correct answer/ }).count()).toBe(2);
    expect(await editor.getByLabel('Give partial credit for partly right answers').count()).toBe(1);
    await type.selectOption('numeric');
    for (const label of ['Correct value', 'Accept answers within', 'Unit shown after the answer box (optional)', 'Accept fractions and mixed numbers (like 3/4 or 1 1/2)']) {
      expect(await editor.getByLabel(label).count(), label).toBe(1);
    }
    await type.selectOption('text');
    expect(await editor.getByLabel('Accepted answer 1').count()).toBe(1);
    await editor.getByRole('button', { name: 'Add another accepted answer' }).click();
    expect(await editor.getByLabel('Accepted answer 2').count()).toBe(1);
    expect(await editor.getByLabel('Capital letters must match').count()).toBe(1);
    await type.selectOption('order');
    expect(await editor.getByLabel('Step 1', { exact: true }).count()).toBe(1);
    expect(await editor.getByRole('radio', { name: /^Correct answer/ }).count()).toBe(0);
    await page.close();
  });

  it('reorders steps with buttons that keep focus on the moved step', async () => {
    const page = await open('teacher');
    const editor = await openEditor(page);
    await editor.getByLabel('Question type').selectOption('order');
    await editor.getByRole('button', { name: 'Add a step' }).click();
    for (const [n, v] of [[1, 'Add'], [2, 'Divide'], [3, 'Check']] as const) await editor.getByLabel(`Step ${n}`, { exact: true }).fill(v);
    await editor.getByRole('button', { name: 'Move down Step 1' }).click();
    expect(await editor.getByLabel('Step 1', { exact: true }).inputValue()).toBe('Divide');
    expect(await editor.getByLabel('Step 2', { exact: true }).inputValue()).toBe('Add');
    expect(await focusedText(page)).toBe('button:Move down Step 2');
    await page.keyboard.press('Enter');
    expect(await editor.getByLabel('Step 3', { exact: true }).inputValue()).toBe('Add');
    expect(await focusedText(page)).toBe('button:Move up Step 3'); // Move down is disabled on the last step
    await editor.getByRole('button', { name: 'Remove Step 1' }).click();
    expect(await editor.getByLabel('Step 1', { exact: true }).inputValue()).toBe('Check');
    expect(await editor.getByRole('button', { name: 'Remove Step 1' }).isDisabled()).toBe(true); // two steps at least
    await page.close();
  });

  it('previews once the teacher pauses typing, and lists the problems the server finds', async () => {
    const page = await open('teacher');
    const editor = await openEditor(page);
    await editor.getByLabel('Question (what the student reads)').pressSequentially('TODO how many?', { delay: 30 });
    const preview = editor.locator('gl-item-preview');
    await expect.poll(() => preview.getByRole('status').textContent()).toContain('1 problem to fix');
    expect(await preview.getByRole('listitem').textContent()).toBe('stem: remove the TODO note before students see it');
    expect(await preview.locator('.stem').textContent()).toBe('TODO how many?');
    expect(api.calls.filter((c) => c.path === '/items/preview')).toHaveLength(1);
    await page.close();
  });

  it('ties client-side and server-side problems to their fields and announces them', async () => {
    const page = await open('teacher', { width: 320 });
    const editor = await openEditor(page);
    await editor.getByRole('button', { name: 'Save item' }).click();
    const alert = editor.getByRole('alert');
    expect(await alert.getByRole('listitem').allTextContents()).toEqual([
      'Write the question.', 'Write this choice, or remove it.', 'Write this choice, or remove it.', 'Mark which choice is correct.',
      'Choose at least one standard.', 'Explain why the correct answer is correct.',
    ]);
    expect(await focusedText(page)).toMatch(/^alert:Fix these before saving/);
    await expectAccessible(page, 'gl-teacher-page');
    await expectNoSidewaysScroll(page);
    await alert.getByRole('link', { name: 'Choose at least one standard.' }).click();
    expect(await focusedText(page)).toMatch(/^fieldset:Standards this item measures/);

    await editor.getByLabel('Question (what the student reads)').fill('SERVER-ERROR: which is bigger?');
    await editor.getByLabel('Choice 1', { exact: true }).fill('![](x.png)');
    await editor.getByLabel('Choice 2', { exact: true }).fill('2');
    await editor.getByRole('radio', { name: /^Correct answer\W+Choice 2$/ }).check();
    await editor.getByLabel('Grade', { exact: true }).selectOption('7');
    await editor.getByRole('checkbox', { name: /^7\.RP\.A\.1 —/ }).check();
    await editor.getByLabel('Explanation', { exact: true }).fill('Compare.');
    expect(await alert.count()).toBe(0); // fixed problems disappear as the teacher types
    await editor.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toContain('an image needs alt text');
    const choice1 = editor.getByLabel('Choice 1', { exact: true });
    expect(await choice1.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await choice1.getAttribute('aria-describedby'))!;
    expect(await editor.locator(`[id="${describedBy}"]`).textContent()).toBe('an image needs alt text');
    await page.close();
  }, 60_000);
});

describe('assessment builder', () => {
  it('explains in plain words why the bank cannot fill a blueprint', async () => {
    const page = await open('teacher');
    await page.getByRole('tab', { name: 'Build an assessment' }).click();
    const builder = page.locator('gl-assessment-builder');
    await builder.getByLabel('Title').fill('Too big');
    await builder.getByLabel('Grade', { exact: true }).selectOption('7');
    await builder.getByLabel('Standard 1').selectOption('7.RP.A.1');
    await builder.getByLabel('Items per test').fill('4');
    await builder.getByRole('button', { name: 'Build assessment' }).click();
    const alert = builder.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('The assessment could not be built');
    expect(await alert.textContent()).toContain('7.RP.A.1 needs 8 items for 2 forms of 4; the bank has 6');
    expect(await builder.getByLabel('Standard 1').getAttribute('aria-invalid')).toBe('true');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      title: 'Too big', grade: '7', kind: 'pre-post', blueprint: [{ standard: '7.RP.A.1', items: 4 }],
      settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false },
    });
    await expectAccessible(page, 'gl-teacher-page');
    await page.close();
  });

  it('reports how evenly difficult the pre-test and post-test are, per standard, without relying on colour', async () => {
    const page = await open('teacher', { width: 320 });
    await page.getByRole('tab', { name: 'Build an assessment' }).click();
    const builder = page.locator('gl-assessment-builder');
    await builder.getByLabel('Title').fill('Ratios');
    await builder.getByLabel('Grade', { exact: true }).selectOption('7');
    await builder.getByLabel('Standard 1').selectOption('7.RP.A.1');
    await builder.getByRole('button', { name: 'Add a standard' }).click();
    expect(await focusedText(page)).toMatch(/^select:/);
    await builder.getByLabel('Standard 2').selectOption('7.RP.A.2');
    await builder.getByLabel('Time limit in minutes').fill('30');
    await expectNoSidewaysScroll(page);
    await builder.getByRole('button', { name: 'Build assessment' }).click();
    await builder.getByRole('heading', { name: 'Built 2 assessments' }).waitFor();
    const rows = (await builder.locator('tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ' '));
    expect(rows[0]).toMatch(/7\.RP\.A\.1.*about average.*about average.*Balanced \(differ by 0\.3\)/);
    expect(rows[1]).toMatch(/7\.RP\.A\.2.*about average.*hard.*Uneven \(differ by 0\.8\)/);
    expect(await builder.locator('section.report').textContent()).toContain('growth on that standard may partly come from one test being easier');
    await expectAccessible(page, 'gl-teacher-page');
    await expectNoSidewaysScroll(page);
    await page.close();
  });
});

describe('deep-linking picker', () => {
  it('asks for a choice, then posts the signed answer to the LMS in a form', async () => {
    api.assessments.push({ id: 'ready-1', title: 'Grade 7 Ratios — Pre-test', grade: '7', kind: 'pre', standards: ['7.RP.A.1'], itemCount: 6, owner: 'starter' });
    const page = await open('picker', { width: 320 });
    const list = page.locator('gl-assessment-list');
    await list.getByRole('radio', { name: 'Grade 7 Ratios — Pre-test' }).waitFor();
    expect(await list.getByRole('checkbox').count()).toBe(0);
    await expectAccessible(page, 'gl-picker-page');
    await expectNoSidewaysScroll(page);
    await page.getByRole('button', { name: 'Add to course' }).click();
    expect(await page.getByRole('alert').filter({ hasText: 'Choose an assessment first.' }).count()).toBe(1);
    await list.getByRole('radio', { name: 'Grade 7 Ratios — Pre-test' }).check();
    await Promise.all([page.waitForURL(RETURN_URL), page.getByRole('button', { name: 'Add to course' }).click()]);
    expect(api.calls.find((c) => c.path === '/deep-linking/response')?.body).toEqual({ assessmentIds: ['ready-1'] });
    expect(api.lmsPosts).toEqual(['JWT=header.payload.signature']);
    await page.close();
  });

  it('builds an assessment in place and selects what it built (one, as the LMS accepts one)', async () => {
    const page = await open('picker');
    const toggle = page.getByRole('button', { name: 'Build a new assessment' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await page.getByRole('button', { name: 'Hide the builder' }).getAttribute('aria-expanded')).toBe('true');
    const builder = page.locator('gl-assessment-builder');
    await builder.getByLabel('Title').fill('Unit 2');
    await builder.getByLabel('Grade', { exact: true }).selectOption('7');
    await builder.getByLabel('Standard 1').selectOption('7.RP.A.2');
    await builder.getByRole('button', { name: 'Build assessment' }).click();
    const pre = page.locator('gl-assessment-list').getByRole('radio', { name: 'Unit 2 — Pre-test' });
    await expect.poll(() => pre.isChecked()).toBe(true);
    expect(await page.locator('gl-assessment-list').getByRole('radio', { name: 'Unit 2 — Post-test' }).isChecked()).toBe(false);
    expect(await page.getByRole('status').filter({ hasText: 'Built and selected' }).textContent()).toContain('accepts one activity at a time');
    await Promise.all([page.waitForURL(RETURN_URL), page.getByRole('button', { name: 'Add to course' }).click()]);
    expect(api.calls.find((c) => c.path === '/deep-linking/response')?.body).toEqual({ assessmentIds: ['a-pre'] });
    await page.close();
  });
});
