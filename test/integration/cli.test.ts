// The `growthline` command line, run as a child process against a fresh test database, the way an
// administrator runs it: exit codes, messages, and what ends up stored (or, on a bad file, nothing).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import mongoose from 'mongoose';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAssessment, getStandards } from '../../server/content/content.service.js';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connection.js';
import { createTestTenant, type TestTenant } from '../support/session.js';
import { freshDatabaseUri, growthlineCli, REPO, runCommand } from '../support/cli.js';


let uri: string;
let db: DatabaseHandle;
let dir: string;
let tenant: TestTenant;

beforeAll(async () => {
  uri = freshDatabaseUri('cli');
  db = await connectDatabase({ mongodbUri: uri, dataDir: os.tmpdir() });
  tenant = await createTestTenant();
  dir = mkdtempSync(path.join(os.tmpdir(), 'growthline-cli-'));
});
afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (command: string, args: string[]) => runCommand(command, args, { mongodbUri: uri, cwd: dir });
const growthline = (...args: string[]) => growthlineCli(args, { mongodbUri: uri, cwd: dir });
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('growthline bank validate', () => {
  it('passes on the shipped starter bank and prints a summary (also through the npx launcher)', async () => {
    const r = await run(process.execPath, [path.join(REPO, 'scripts', 'growthline.js'), 'bank', 'validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Checked 2\d\d items in 32 files, covering 32 standards/);
    expect(r.stdout).toContain('All good');
  }, 60_000);

  it('fails with the list of problems on a broken bank folder', async () => {
    const bank = path.join(dir, 'bad-bank');
    mkdirSync(bank);
    const item = { id: 'x-1', standards: ['6.RP.A.1'], difficulty: 0, stem: 'Q?', interaction: { type: 'numeric', key: { value: 1 } }, feedback: {} };
    writeFileSync(path.join(bank, 'x.json'), JSON.stringify([item, { ...item, id: 'x-2', stem: 'Another?', feedback: { explanation: 'Yes.' } }]));
    const r = await growthline('bank', 'validate', bank);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('x.json item 1 (x-1): feedback.explanation: Required');
    expect(r.stderr).toContain('standard 6.RP.A.1: 1 item; at least 6 are needed');
  }, 60_000);
});

describe('growthline standards import', () => {
  it('refuses a CSV with bad lines, naming each line, and imports nothing', async () => {
    const csv = file('bad.csv', [
      'framework,code,grade,description,parent,caseId',
      'Test.Bad,TB.1,5,Fine,,',
      'Test.Bad,TB.2,,No grade,,',
      'Test.Bad,TB.3,5,Fine too,TB.1,',
      'Test.Bad,TB.4,5,Unquoted, comma,,',
      'Test.Bad,TB.1,5,Duplicate code,,',
    ].join('\n'));
    const r = await growthline('standards', 'import', csv, '--global');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('3 problems; nothing was imported');
    expect(r.stderr).toMatch(/line 3: grade/);
    expect(r.stderr).toMatch(/line 5: has 7 fields/);
    expect(r.stderr).toMatch(/line 6: code TB\.1 \(Test\.Bad\) is already on line 2/);
    expect(await getStandards(['TB.1', 'TB.3'], 'Test.Bad')).toEqual([]);
  }, 60_000);

  it('imports a valid CSV globally, working out domains and clusters', async () => {
    const csv = file('good.csv', [
      'framework,code,grade,description,parent,caseId',
      'Test.Math,TM.7,7,"Ratios, rates",,',
      'Test.Math,TM.7.A,7,Cluster A,TM.7,',
      'Test.Math,TM.7.A.1,7,Unit rates,TM.7.A,case-1',
    ].join('\n'));
    const r = await growthline('standards', 'import', csv, '--global');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Imported 3 standards into the global (starter) bank: 3 new, 0 updated, 0 unchanged.');
    const stored = await getStandards(['TM.7', 'TM.7.A', 'TM.7.A.1'], 'Test.Math');
    expect(stored.map((s) => [s.code, s.kind, s.parent ?? null])).toEqual([['TM.7', 'domain', null], ['TM.7.A', 'cluster', 'TM.7'], ['TM.7.A.1', 'standard', 'TM.7.A']]);
    expect(stored[2]!.caseId).toBe('case-1');
    const again = await growthline('standards', 'import', csv, '--global');
    expect(again.stdout).toContain('0 new, 0 updated, 3 unchanged');
  }, 60_000);

  it('imports a CASE package for one tenant only', async () => {
    const pkg = file('state.json', JSON.stringify({
      CFDocument: { identifier: 'doc', title: 'State Standards' },
      CFItems: [
        { identifier: 'd', humanCodingScheme: 'ST.8.F', fullStatement: 'Functions', educationLevel: ['08'], CFItemType: 'Domain' },
        { identifier: 's', humanCodingScheme: 'ST.8.F.1', fullStatement: 'Understand functions', educationLevel: ['08'] },
      ],
      CFAssociations: [{ associationType: 'isChildOf', originNodeURI: { identifier: 's' }, destinationNodeURI: { identifier: 'd' } }],
    }));
    const r = await growthline('standards', 'import', pkg, '--tenant', tenant.tenantId, '--framework', 'ST.Math');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Imported 2 standards into tenant [0-9a-f]{24} .*: 2 new/);
    expect(await getStandards(['ST.8.F.1'], 'ST.Math', tenant.tenantId)).toEqual([
      { framework: 'ST.Math', code: 'ST.8.F.1', grade: '8', description: 'Understand functions', caseId: 's', parent: 'ST.8.F', kind: 'standard' },
    ]);
    expect(await getStandards(['ST.8.F.1'], 'ST.Math')).toEqual([]);
  }, 60_000);

  it('asks where to import when neither --global nor --tenant is given', async () => {
    const r = await growthline('standards', 'import', path.join(dir, 'good.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Say where to import');
    expect(r.stderr).toContain('Usage: growthline standards import');
  }, 60_000);
});

describe('growthline bank export and import', () => {
  it('exports a ready-made assessment as QTI and imports it into a tenant, reusing identical starter items', async () => {
    const zip = path.join(dir, 'g7-rp-pre.zip');
    const exported = await growthline('bank', 'export', 'starter-g7-rp-pre', zip);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(existsSync(zip)).toBe(true);
    expect(exported.stdout).toMatch(/9 items in 3 sections/);

    const imported = await growthline('bank', 'import', zip, '--tenant', tenant.tenantId);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('9 identical to starter items');
    const id = /Assessments: (\S+)/.exec(imported.stdout)?.[1];
    const a = await findAssessment(tenant.tenantId, id!);
    expect(a).toMatchObject({ kind: 'diagnostic', itemCount: 9, owner: 'tenant', standards: ['7.RP.A.1', '7.RP.A.2', '7.RP.A.3'] });
    expect(await findAssessment(null, id!)).toBeNull();
  }, 60_000);

  it('lists a broken package\'s problems and imports nothing', async () => {
    const bad = file('bad.zip', 'this is not a zip file');
    const r = await growthline('bank', 'import', bad, '--global');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.zip: 1 problem; nothing was imported\.\n {2}\(package\): not a readable zip/);
  }, 60_000);

  it('says so when an assessment does not exist', async () => {
    const r = await growthline('bank', 'export', 'no-such-assessment', path.join(dir, 'x.zip'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('There is no assessment no-such-assessment in the starter bank');
  }, 60_000);
});

describe('growthline bank import refuses broken QTI packages and changes nothing', () => {
  // A valid package (a ready-made assessment exported from the bank), then one defect at a time.
  async function validPackage(): Promise<Record<string, Uint8Array>> {
    const out = path.join(dir, `valid-${randomBytes(3).toString('hex')}.zip`);
    const r = await growthline('bank', 'export', 'starter-g7-rp-pre', out);
    expect(r.code, r.stderr).toBe(0);
    return unzipSync(new Uint8Array(readFileSync(out)));
  }
  const itemFile = (files: Record<string, Uint8Array>) => Object.keys(files).find((f) => f !== 'imsmanifest.xml' && /item/i.test(f) && f.endsWith('.xml'))!;
  const counts = async () => ({
    items: await mongoose.connection.db!.collection('items').countDocuments(),
    assessments: await mongoose.connection.db!.collection('assessments').countDocuments(),
  });

  const defects: [string, (f: Record<string, Uint8Array>) => void, RegExp][] = [
    ['malformed XML', (f) => { const k = itemFile(f); f[k] = strToU8(strFromU8(f[k]!).slice(0, 200)); }, /\.xml.*(malformed|not well-formed|XML|unclosed|expected)/i],
    ['no manifest', (f) => { delete f['imsmanifest.xml']; }, /imsmanifest\.xml/],
    ['a manifest naming a missing file', (f) => { delete f[itemFile(f)]; }, /missing|not in the package|no such file/i],
    ['an unsupported interaction', (f) => { const k = itemFile(f); f[k] = strToU8(strFromU8(f[k]!).replace(/qti-(choice|text-entry|order)-interaction/g, 'qti-hotspot-interaction')); }, /hotspot/i],
    ['a key naming a choice that does not exist', (f) => { const k = itemFile(f); f[k] = strToU8(strFromU8(f[k]!).replace(/(<qti-correct-response>\s*<qti-value>)[^<]+/, '$1gl-nonexistent')); }, /nonexistent|unknown choice|not one of the choices/i],
    ['an entry escaping the package folder', (f) => { f['../evil.xml'] = strToU8('<x/>'); }, /\.\.\/evil\.xml|outside|path/i],
  ];
  for (const [name, spoil, problem] of defects) {
    it(`refuses a package with ${name}, says where, and imports nothing`, async () => {
      const files = await validPackage();
      spoil(files);
      const bad = path.join(dir, `bad-${randomBytes(3).toString('hex')}.zip`);
      writeFileSync(bad, zipSync(files));
      const before = await counts();
      const r = await growthline('bank', 'import', bad, '--tenant', tenant.tenantId);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/nothing was imported/);
      expect(r.stderr).toMatch(problem);
      expect(await counts()).toEqual(before);
    }, 60_000);
  }
});
