// A student takes a test in Chromium inside the demo LMS's frame, launched for real (LTI 1.3 through
// the platform simulator): answers every interaction type (the ordering one by keyboard only),
// relaunches mid-test while a save is stuck and finds every answer, loses the network for three
// questions, submits, and gets per-standard results — and the server holds every answer.
// axe-core checks the question, review and results screens; a 320 px window must not scroll sideways.
import type { Frame, FrameLocator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema, type Item, type ResponseValue } from '../../server/content/item.schema.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { forgetAttempt } from '../../server/delivery/answer-journal.js';
import type { RunningTool } from '../../server/main.js';
import type { Platform, Placement } from '../platform/index.js';
import { expectNoAxeViolations, launchBrowser, type TestBrowser } from '../support/browser.js';
import { coursePageUrl, expectText, textOf, toolDocument, stopLaunchTest } from '../support/launch-page.js';
import { startToolWithLms } from '../support/lti.js';
import { sessionFor, type TestTenant } from '../support/session.js';

const RP = '7.RP.A.1';
const EE = '7.EE.A.1';

/** Eight questions, every interaction type, two standards; `stem` finds the question on screen. */
const QUESTIONS: { id: string; stem: string; standard: string; interaction: Item['interaction']; content: string; answer: ResponseValue }[] = [
  { id: 'speed', stem: 'miles in 3 hours', standard: RP, content: 'A car goes 150 miles in 3 hours. What is its speed?',
    interaction: { type: 'single', shuffle: false, choices: [{ id: 'a', content: '30 mph' }, { id: 'b', content: '50 mph' }, { id: 'c', content: '450 mph' }], key: { correct: 'b' } },
    answer: { type: 'single', choice: 'b' } },
  { id: 'equivalent', stem: 'equivalent to', standard: RP, content: 'Which ratios are equivalent to \\( \\frac{2}{3} \\)? Choose every one.',
    interaction: { type: 'multiple', shuffle: false, choices: [{ id: 'a', content: '4 to 6' }, { id: 'b', content: '3 to 2' }, { id: 'c', content: '6 to 9' }, { id: 'd', content: '2 to 5' }], key: { correct: ['a', 'c'], partialCredit: false } },
    answer: { type: 'multiple', choices: ['a', 'c'] } },
  { id: 'rate', stem: '5 miles in 2 hours', standard: RP, content: 'Dana walks 5 miles in 2 hours. How fast does she walk?',
    interaction: { type: 'numeric', unit: 'mph', key: { value: 2.5, tolerance: 0, allowFractions: true } },
    answer: { type: 'numeric', text: '2.5' } },
  { id: 'expression', stem: 'three more than', standard: EE, content: 'Write an expression for “three more than x”.',
    interaction: { type: 'text', expectedLength: 10, key: { accepted: ['x+3', '3+x'], caseSensitive: false } },
    answer: { type: 'text', text: 'x + 3' } },
  { id: 'steps', stem: 'Put the steps', standard: EE, content: 'Put the steps to solve \\( 2x + 3 = 7 \\) in order.',
    interaction: { type: 'order', choices: [{ id: 'check', content: 'Check the answer' }, { id: 'subtract', content: 'Subtract 3 from both sides' }, { id: 'divide', content: 'Divide both sides by 2' }], key: { correctOrder: ['subtract', 'divide', 'check'] } },
    answer: { type: 'order', order: ['subtract', 'divide', 'check'] } },
  { id: 'distribute', stem: 'equal to 3(x + 2)', standard: EE, content: 'Which is equal to 3(x + 2)?',
    interaction: { type: 'single', shuffle: false, choices: [{ id: 'a', content: '3x + 2' }, { id: 'b', content: '3x + 6' }, { id: 'c', content: 'x + 6' }], key: { correct: 'b' } },
    answer: { type: 'single', choice: 'a' } },
  { id: 'recipe', stem: 'batches', standard: RP, content: 'A recipe uses 2 cups of flour for 3 batches. How much flour for 9 batches?',
    interaction: { type: 'numeric', unit: 'cups', key: { value: 6, tolerance: 0, allowFractions: false } },
    answer: { type: 'numeric', text: '6' } },
  { id: 'solve', stem: 'x + 5 = 12', standard: EE, content: 'What is x if x + 5 = 12?',
    interaction: { type: 'single', shuffle: false, choices: [{ id: 'a', content: '5' }, { id: 'b', content: '7' }, { id: 'c', content: '17' }], key: { correct: 'b' } },
    answer: { type: 'single', choice: 'b' } },
];

let tool: RunningTool;
let platform: Platform;
let tenant: TestTenant;
let placement: Placement;
let timedPlacement: Placement;
let browser: TestBrowser;

beforeAll(async () => {
  let tenantId: string, platformId: string;
  ({ tool, lms: platform, tenantId, platformId } = await startToolWithLms({ productFamily: 'canvas' }));
  tenant = { tenantId, platformId };
  const items = QUESTIONS.map((q) => ItemSchema.parse({
    id: `browser-${q.id}`, standards: [q.standard], difficulty: 0, stem: q.content, interaction: q.interaction,
    feedback: { explanation: 'Work it out step by step.' },
  }));
  const imported = await importBank(tenant.tenantId, items, [{ id: 'browser-check', title: 'Rates and expressions check', itemIds: items.map((i) => i.id) }]);
  if (imported.problems.length) throw new Error(JSON.stringify(imported.problems));
  const assessmentId = imported.assessments[0]!;
  // No settings editor for imported tests yet: show correct answers so results list every response.
  await AssessmentModel.updateOne({ _id: assessmentId }, { $set: { settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: true } } });
  placement = platform.addPlacement({ title: 'Rates and expressions check', custom: { growthline_assessment: assessmentId } });
  const timed = await importBank(tenant.tenantId, items, [{ id: 'browser-timed', title: 'Timed check', itemIds: items.map((i) => i.id) }]);
  await AssessmentModel.updateOne({ _id: timed.assessments[0]! }, { $set: { settings: { attemptsAllowed: 1, timeLimitMinutes: 10, showCorrectAnswers: false } } });
  timedPlacement = platform.addPlacement({ title: 'Timed check', custom: { growthline_assessment: timed.assessments[0]! } });
  browser = await launchBrowser();
}, 120_000);

afterAll(() => stopLaunchTest(browser, platform, tool));

const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
const courseLaunchUrl = (userId: string) => coursePageUrl(platform, userId, placement);

const toolFrame = (page: Page) => toolDocument(page, tool.url);

/** The question on screen, by its stem. */
async function currentQuestion(f: FrameLocator) {
  const stem = await textOf(f.locator('legend'));
  const q = QUESTIONS.find((x) => stem.includes(x.stem));
  if (!q) throw new Error(`unknown question on screen: ${stem}`);
  const heading = await textOf(f.getByRole('heading', { level: 2 }));
  return { q, position: Number(/Question (\d+) of/.exec(heading)?.[1]) };
}

/** What the deepest focused element says (focus lives inside shadow roots). */
function focusedText(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.textContent?.trim() ?? '';
  });
}

async function choiceLabel(f: FrameLocator, q: (typeof QUESTIONS)[number], id: string) {
  const i = q.interaction;
  return 'choices' in i ? i.choices.find((c) => c.id === id)!.content : id;
}

/** Answers the question on screen the way a student would (ordering: keyboard only). */
async function answer(page: Page, f: FrameLocator, q: (typeof QUESTIONS)[number]) {
  const a = q.answer;
  switch (a.type) {
    case 'single': await f.getByRole('radio', { name: await choiceLabel(f, q, a.choice!), exact: true }).check(); break;
    case 'multiple': for (const id of a.choices) await f.getByRole('checkbox', { name: await choiceLabel(f, q, id), exact: true }).check(); break;
    case 'numeric': case 'text': await f.getByRole('textbox', { name: 'Your answer' }).fill(a.text); break;
    case 'order': {
      const target = await Promise.all(a.order.map((id) => choiceLabel(f, q, id)));
      for (let i = 0; i < target.length; i++) {
        const rows = await f.locator('gl-ordering li .content').allInnerTexts();
        const from = rows.findIndex((r) => r.trim() === target[i]);
        if (from === i) continue;
        const up = f.getByRole('button', { name: `Move up: ${target[i]}` });
        await up.focus();
        for (let n = from; n > i; n--) await page.keyboard.press('Enter');
        await expectText(f.locator('gl-ordering [role="status"]'), new RegExp(`Moved “${target[i]}” to position ${i + 1} of ${target.length}`));
      }
      break;
    }
  }
}

/** Checks the screen shows the student's answer to the question. */
async function expectShown(f: FrameLocator, q: (typeof QUESTIONS)[number]) {
  const a = q.answer;
  switch (a.type) {
    case 'single': expect(await f.getByRole('radio', { name: await choiceLabel(f, q, a.choice!), exact: true }).isChecked(), q.id).toBe(true); break;
    case 'multiple': for (const id of a.choices) expect(await f.getByRole('checkbox', { name: await choiceLabel(f, q, id), exact: true }).isChecked(), q.id).toBe(true); break;
    case 'numeric': case 'text': expect(await f.getByRole('textbox', { name: 'Your answer' }).inputValue(), q.id).toBe(a.text); break;
    case 'order': {
      const rows = (await f.locator('gl-ordering li .content').allInnerTexts()).map((r) => r.trim());
      expect(rows, q.id).toEqual(await Promise.all(a.order.map((id) => choiceLabel(f, q, id))));
      break;
    }
  }
}

const saveStatus = (f: FrameLocator) => f.locator('gl-save-status [role="status"]');

describe('a student taking a test inside the LMS', () => {
  it('answers every type, survives a relaunch and an outage, submits, and every answer reaches the server', async () => {
    const student = students()[0]!;
    const page = await browser.context.newPage();
    await page.goto(courseLaunchUrl(student.id));
    const f = page.frameLocator('#tool-frame');
    await expectText(f.getByRole('heading', { level: 2 }), /Question 1 of 8/, 20_000);
    let frame = await toolFrame(page);
    await expectNoAxeViolations(frame, 'question screen');

    // Questions 1–4, each saved before moving on; focus follows to the next question's heading.
    const positions = new Map<string, number>();
    for (let n = 1; n <= 4; n++) {
      const { q, position } = await currentQuestion(f);
      positions.set(q.id, position);
      await answer(page, f, q);
      await f.getByRole('button', { name: 'Next', exact: true }).click();
      await expectText(f.getByRole('heading', { level: 2 }), new RegExp(`Question ${n + 1} of 8`));
      expect(await focusedText(frame)).toBe(`Question ${n + 1} of 8`);
    }
    await expectText(saveStatus(f), /All answers saved/);

    // Question 5 (ordering, by keyboard) while its saves fail: it must survive on the device.
    const blockSaves = (route: Route) => (route.request().method() === 'PUT' ? route.abort('connectionreset') : route.continue());
    await page.route(`${tool.url}/api/attempts/*/responses/*`, blockSaves);
    const five = await currentQuestion(f);
    positions.set(five.q.id, five.position);
    await answer(page, f, five.q);
    await expect.poll(() => frame.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('growthline.answers.')).map((k) => localStorage.getItem(k)).join()))
      .toContain('"order"');

    // The student reloads the LMS page: a fresh launch, answers restored, the stuck one re-sent.
    await page.goto(courseLaunchUrl(student.id));
    await expectText(f.getByRole('heading', { level: 2 }), /Question 6 of 8/, 20_000);
    frame = await toolFrame(page);
    await page.unroute(`${tool.url}/api/attempts/*/responses/*`, blockSaves);
    await expectText(saveStatus(f), /All answers saved/, 30_000);
    await f.getByRole('button', { name: 'Review answers' }).click();
    for (let n = 1; n <= 5; n++) await expectText(f.locator('gl-review li').nth(n - 1), /Answered/);
    await f.getByRole('link', { name: 'Question 1' }).click();
    for (let n = 1; n <= 5; n++) {
      await expectText(f.getByRole('heading', { level: 2 }), new RegExp(`Question ${n} of 8`));
      await expectShown(f, (await currentQuestion(f)).q);
      await f.getByRole('button', { name: 'Next', exact: true }).click();
    }

    // Offline for the last three questions: the test keeps working and says where answers are.
    await page.context().setOffline(true);
    for (let n = 6; n <= 8; n++) {
      await expectText(f.getByRole('heading', { level: 2 }), new RegExp(`Question ${n} of 8`));
      const { q, position } = await currentQuestion(f);
      positions.set(q.id, position);
      await answer(page, f, q);
      if (n === 7) {
        await f.getByRole('button', { name: 'Flag for review' }).click();
        expect(await f.getByRole('button', { name: 'Flag for review' }).getAttribute('aria-pressed')).toBe('true');
      }
      await f.getByRole('button', { name: n < 8 ? 'Next' : 'Review answers', exact: true }).click();
    }
    await expectText(saveStatus(f), /Offline: 3 answers kept on this device/);
    await expectText(f.getByRole('heading', { level: 2 }), /Review your answers/);
    await expectText(f.locator('gl-review li').nth(6), /Flagged for review/);
    await expectNoAxeViolations(frame, 'review screen');

    // Submit while offline: it waits, says so, and goes through once the network is back.
    await f.getByRole('button', { name: 'Submit answers' }).click();
    await expectText(f.locator('dialog h2'), /Submit your answers\?/);
    await expectNoAxeViolations(frame, 'submit dialog');
    await f.locator('dialog').getByRole('button', { name: 'Submit', exact: true }).click();
    await expectText(f.locator('gl-test-runner p[role="status"]'), /You are offline/);
    await page.context().setOffline(false);
    await expectText(f.getByRole('heading', { level: 2 }), /Your results/, 40_000);

    // Results: a plain-language level per standard, in words, and the next step.
    const cards = f.locator('gl-results li[part="standard"]');
    expect(await cards.count()).toBe(2);
    for (const text of await cards.allInnerTexts()) expect(text).toMatch(/(Not yet|Almost|Got it)[\s\S]*Next step:/);
    expect(await cards.filter({ hasText: RP }).innerText()).toMatch(/Got it/);
    await expectNoAxeViolations(frame, 'results screen');
    expect(await f.locator('gl-results li:not([part])').count()).toBe(8);
    // The LMS frame grows with the page (lti.frameResize), so nothing is cut off or scrolls twice.
    const toolHeight = await frame.evaluate(() => document.documentElement.scrollHeight);
    await expect.poll(() => page.locator('#tool-frame').evaluate((el) => el.getBoundingClientRect().height)).toBeCloseTo(toolHeight, -1);
    expect(await frame.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('growthline.answers.')))).toEqual([]);

    // The server holds all eight answers, as a teacher of the course sees them.
    const staff = await sessionFor(tool, { tenant, roles: ['instructor'], contextId: platform.course.id, resourceLinkId: placement.resourceLinkId });
    const api = async (path: string) => {
      const res = await fetch(`${tool.url}/api${path}`, { headers: staff.auth });
      expect(res.status, path).toBe(200);
      return res.json() as Promise<any>;
    };
    const session = await api('/session');
    const { attempts } = await api(`/placements/${session.placement.id}/attempts`);
    const mine = attempts.filter((x: any) => x.status === 'submitted');
    expect(mine).toHaveLength(1);
    const results = await api(`/attempts/${mine[0].id}/results`);
    for (const q of QUESTIONS) {
      const got = results.items.find((i: any) => i.position === positions.get(q.id));
      expect(got?.response, q.id).toEqual(q.answer.type === 'multiple' ? { ...q.answer, choices: expect.arrayContaining(q.answer.choices) } : q.answer);
    }

    // Opening the activity again (one attempt allowed) shows the same results.
    await page.goto(courseLaunchUrl(student.id));
    await expectText(f.getByRole('heading', { level: 2 }), /Your results/, 20_000);
    expect(await f.locator('gl-results li[part="standard"]').count()).toBe(2);
    await page.close();
  }, 180_000);

  it('reads questions aloud when the teacher grants it, warns at 5 minutes left, and submits when time runs out', async () => {
    const student = students()[2]!;
    await browser.context.setOffline(false);
    const page = await browser.context.newPage();
    // Headless Chromium has no voices: record what would be spoken instead.
    await page.addInitScript(() => {
      const w = window as unknown as { spoken: string[] };
      w.spoken = [];
      speechSynthesis.speak = (u: SpeechSynthesisUtterance) => { w.spoken.push(u.text); };
    });
    const launch = () => page.goto(platform.loginInitiationUrl({ userId: student.id, resourceLinkId: timedPlacement.resourceLinkId, documentTarget: 'window' }));
    const heading = page.getByRole('heading', { level: 2 });
    await launch();
    await expect.poll(() => heading.textContent({ timeout: 20_000 }), { timeout: 25_000 }).toMatch(/Question 1 of 8/);
    const toggle = page.getByRole('button', { name: 'Read aloud' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/Time left: (10:00|9:5\d)/);

    // The teacher grants read-aloud; the attempt is moved to 5 minutes 3 seconds before its deadline.
    const staff = await sessionFor(tool, { tenant, roles: ['instructor'], contextId: platform.course.id, resourceLinkId: timedPlacement.resourceLinkId });
    const placementId = (await (await fetch(`${tool.url}/api/session`, { headers: staff.auth })).json()).placement.id as string;
    const { attempts } = await (await fetch(`${tool.url}/api/placements/${placementId}/attempts`, { headers: staff.auth })).json();
    const res = await fetch(`${tool.url}/api/placements/${placementId}/accommodations/${attempts[0].student.id}`, {
      method: 'PUT', headers: { ...staff.auth, 'content-type': 'application/json' }, body: JSON.stringify({ timeMultiplier: 1, readAloud: true }),
    });
    expect(res.status).toBe(200);
    await AttemptModel.updateOne({ _id: attempts[0].id }, { $set: { deadline: new Date(Date.now() + 5 * 60_000 + 3000) } });
    forgetAttempt(attempts[0].id); // changed behind the tool's back: its next save reads the attempt again
    await launch();
    await expect.poll(() => heading.textContent({ timeout: 20_000 }), { timeout: 25_000 }).toMatch(/Question 1 of 8/);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken.join(' | '))).toContain('Which ratios are equivalent to 2 over 3? Choose every one. Choice A. 4 to 6. Choice B. 3 to 2.');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'minutes left' }).textContent(), { timeout: 15_000 }).toMatch(/5 minutes left\./);

    // Three seconds before the deadline: the attempt submits itself at zero.
    await AttemptModel.updateOne({ _id: attempts[0].id }, { $set: { deadline: new Date(Date.now() + 3000) } });
    forgetAttempt(attempts[0].id);
    await launch();
    await expect.poll(() => heading.textContent({ timeout: 20_000 }).catch(() => ''), { timeout: 30_000 }).toMatch(/Your results/);
    const after = await (await fetch(`${tool.url}/api/placements/${placementId}/attempts`, { headers: staff.auth })).json();
    expect(after.attempts[0].status).toBe('submitted');
    await page.close();
  }, 120_000);

  it('fits a 320 px wide window without sideways scrolling, in Spanish, launched in a new window', async () => {
    const student = students()[1]!;
    await browser.context.setOffline(false);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(platform.loginInitiationUrl({ userId: student.id, resourceLinkId: placement.resourceLinkId, documentTarget: 'window', locale: 'es' }));
    const heading = page.getByRole('heading', { level: 2 });
    await expect.poll(() => heading.textContent({ timeout: 20_000 }), { timeout: 25_000 }).toMatch(/Pregunta 1 de 8/);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (let n = 1; n <= 8; n++) {
      await expect.poll(() => heading.textContent()).toMatch(new RegExp(`Pregunta ${n} de 8`));
      expect(await overflow(), `question ${n}`).toBeLessThanOrEqual(0);
      if (n === 1) await expectNoAxeViolations(page, 'question screen at 320 px');
      await page.getByRole('button', { name: n < 8 ? 'Siguiente' : 'Revisar respuestas', exact: true }).click();
    }
    await expect.poll(() => heading.textContent()).toMatch(/Revisa tus respuestas/);
    expect(await overflow(), 'review').toBeLessThanOrEqual(0);
    await page.close();
  }, 120_000);
});
