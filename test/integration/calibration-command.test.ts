// `growthline bank calibrate`, run as a child process against a test database holding simulated students' answers
// (taken through the real delivery service): what it prints, what it stores, and that no scored attempt or mastery
// estimate changes.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibrationLatestModel, CalibrationRunModel } from '../../server/adaptive/calibration.model.js';
import { calibratedDifficulties } from '../../server/adaptive/calibration.service.js';
import { seedContent } from '../../server/content/seed.js';
import { connectDatabase, ensureIndexes, type DatabaseHandle } from '../../server/db/connection.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { MasteryEstimateModel } from '../../server/mastery/mastery.model.js';
import { registerMasteryHooks } from '../../server/mastery/mastery.service.js';
import { createTestTenant, type TestTenant } from '../support/session.js';
import { freshDatabaseUri, growthlineCli, REPO } from '../support/cli.js';
import { seedCalibrationAssessment, simulateStudents, type CalibrationFixture } from './calibration.fixtures.js';

let uri: string;
let db: DatabaseHandle;
let district: TestTenant;
let other: TestTenant;
let quiet: TestTenant;
let fixture: CalibrationFixture;
let otherFixture: CalibrationFixture;

beforeAll(async () => {
  uri = freshDatabaseUri('calcli');
  db = await connectDatabase({ mongodbUri: uri, dataDir: os.tmpdir() });
  await ensureIndexes();
  await seedContent(); // the shipped standards the fixture's items measure
  await registerMasteryHooks(); // as the server does, so submitted attempts leave mastery estimates to compare
  [district, other, quiet] = [await createTestTenant(), await createTestTenant(), await createTestTenant()];
  fixture = await seedCalibrationAssessment(district.tenantId);
  otherFixture = await seedCalibrationAssessment(other.tenantId);
  await simulateStudents(district.tenantId, fixture, 90);
  await simulateStudents(other.tenantId, otherFixture, 12, 99);
}, 240_000);
afterAll(async () => {
  await db?.close();
});

const growthline = (...args: string[]) => growthlineCli(args, { mongodbUri: uri, cwd: REPO });

const snapshot = async (tenantId: string) => JSON.stringify({
  attempts: await AttemptModel.find({ tenantId }).sort({ _id: 1 }).lean(),
  mastery: await MasteryEstimateModel.find({ tenantId }).sort({ _id: 1 }).lean(),
});

describe('growthline bank calibrate', () => {
  it('says how to use it when no district is named', async () => {
    const r = await growthline('bank', 'calibrate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Say which district: --tenant <tenantId>, or --all');
    expect(r.stderr).toContain('Usage: growthline bank calibrate');
  }, 60_000);

  it('refuses a tenant that does not exist, storing nothing', async () => {
    const r = await growthline('bank', 'calibrate', '--tenant', 'a'.repeat(24));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`There is no tenant ${'a'.repeat(24)}`);
    expect(await CalibrationRunModel.countDocuments({})).toBe(0);
  }, 60_000);

  it('prints flagged items first, the trap among them with its reason in words, stores the run, and changes no scored attempt or mastery', async () => {
    const before = await snapshot(district.tenantId);
    expect(JSON.parse(before).mastery.length).toBeGreaterThan(0);

    const r = await growthline('bank', 'calibrate', '--tenant', district.tenantId);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Tenant ${district.tenantId} (`);
    expect(r.stdout).toMatch(/CCSS\.Math\n {2}90 sittings, 900 responses, 10 items calibrated, [1-9]\d* flagged \(converged in \d+ iterations/);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}cal-\w+-q\d+ v1 /.test(l));
    expect(rows).toHaveLength(10);
    // Flagged questions come first (in whatever order their flags rank them); the trap is among them, with its reason.
    const flagged = rows.map((row) => /(infit|outfit|distractor|difficulty)-[a-z-]+\s*$/.test(row));
    expect(flagged[0]).toBe(true);
    expect(flagged).toEqual([...flagged].sort((a, b) => Number(b) - Number(a)));
    const trapRow = rows.find((row) => row.includes(`${fixture.trap.id} v1`))!;
    expect(trapRow).toContain('distractor-attracts-strong');
    expect(flagged[rows.indexOf(trapRow)]).toBe(true);
    const trapAt = r.stdout.indexOf(`${fixture.trap.id} v1`);
    expect(r.stdout.slice(trapAt)).toMatch(/\n {6}! Wrong choice "c" is picked by more of the strongest third \(\d+%\) than of the weakest third \(\d+%\)/);

    const runs = await CalibrationRunModel.find({ tenantId: district.tenantId }).lean();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toBe('command');
    expect(runs[0]!.summary!.sittings).toBe(90);
    const trap = runs[0]!.items.find((i) => i.itemId === fixture.trap.id)!;
    expect(trap.n).toBe(90);
    expect(trap.starter).toBe(false);
    expect(trap.flags.map((f) => f.code)).toContain('distractor-attracts-strong');
    expect(trap.flags.find((f) => f.code === 'distractor-attracts-strong')!.choiceId).toBe('c');
    // Nothing from the other district's students, nor its items.
    expect(runs[0]!.items.every((i) => i.itemId.startsWith(fixture.items[0]!.id.replace(/-q1$/, '')))).toBe(true);

    // Easy items come out easier than hard ones: the scale follows the answers.
    const difficulties = await calibratedDifficulties(district.tenantId, 'CCSS.Math');
    expect(difficulties.size).toBe(10);
    expect(difficulties.get(fixture.items[0]!.id)!).toBeLessThan(difficulties.get(fixture.items[8]!.id)!);
    expect(await calibratedDifficulties(district.tenantId, 'Another.Framework')).toEqual(new Map());
    expect(await calibratedDifficulties(other.tenantId, 'CCSS.Math')).toEqual(new Map());

    expect(await snapshot(district.tenantId)).toBe(before);
  }, 120_000);

  it('prints JSON for scripts, and with --all calibrates every district with responses and only those', async () => {
    const r = await growthline('bank', 'calibrate', '--all', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    type Json = { tenants: { tenantId: string; reports: { framework: string; fresh: boolean; items: { itemId: string }[] }[] }[] };
    const body = JSON.parse(r.stdout) as Json;
    const ids = body.tenants.map((t) => t.tenantId);
    expect(ids).toContain(district.tenantId);
    expect(ids).toContain(other.tenantId);
    expect(ids).not.toContain(quiet.tenantId);
    const theirs = body.tenants.find((t) => t.tenantId === other.tenantId)!;
    expect(theirs.reports[0]!.fresh).toBe(true);
    expect(theirs.reports[0]!.items.map((i) => i.itemId).sort()).toEqual(otherFixture.items.map((i) => i.id).sort());
    // Nothing submitted in the district since the last run: that run is shown again and nothing new is stored.
    const mine = body.tenants.find((t) => t.tenantId === district.tenantId)!;
    expect(mine.reports.map((x) => [x.framework, x.fresh])).toEqual([['CCSS.Math', false]]);
    expect(mine.reports[0]!.items[0]!.itemId).toBe(fixture.trap.id);
    expect(await CalibrationRunModel.countDocuments({ tenantId: district.tenantId })).toBe(1);
  }, 120_000);

  it('stores a new run once more students have submitted, keeping the old one, and points the latest at it', async () => {
    await simulateStudents(district.tenantId, fixture, 6, 11, 1);
    const r = await growthline('bank', 'calibrate', '--tenant', district.tenantId, '--framework', 'CCSS.Math');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('96 sittings, 960 responses');
    expect(r.stdout).not.toContain('nothing new was stored');
    expect(await CalibrationRunModel.countDocuments({ tenantId: district.tenantId })).toBe(2);
    const newest = await CalibrationRunModel.findOne({ tenantId: district.tenantId }).sort({ createdAt: -1 }).lean();
    const latest = await CalibrationLatestModel.findOne({ tenantId: district.tenantId }).lean();
    expect(String(latest!.runId)).toBe(String(newest!._id));
    expect(newest!.summary!.sittings).toBe(96);
  }, 120_000);

  it('says so when a district has no responses, or none in the framework asked for', async () => {
    const none = await growthline('bank', 'calibrate', '--tenant', quiet.tenantId);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no submitted responses yet; nothing was calibrated.');
    const fw = await growthline('bank', 'calibrate', '--tenant', district.tenantId, '--framework', 'NGSS');
    expect(fw.code).toBe(0);
    expect(fw.stdout).toContain('no submitted responses to NGSS items yet; nothing was calibrated.');
    expect(await CalibrationRunModel.countDocuments({ tenantId: quiet.tenantId })).toBe(0);
  }, 120_000);
});
