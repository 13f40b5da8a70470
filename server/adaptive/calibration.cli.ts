// `growthline bank calibrate`: what a district's assessment lead (or a nightly cron job) runs to re-estimate item
// difficulties from the district's own responses and see which items misbehave. Prints flagged items first, each
// with its reason in words; --json for scripts. Writes only calibration records, never an attempt.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { connectDatabase, ensureIndexes } from '../db/connection.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { runCalibration, tenantsWithResponses, type CalibrationItemView, type CalibrationReport, type RunOutcome } from './calibration.service.js';

const out = (text: string) => process.stdout.write(`${text}\n`);

export const CALIBRATION_HELP: Record<string, string> = {
  'bank calibrate': `Usage: growthline bank calibrate (--tenant <tenantId> | --all) [--framework <name>] [--json]

Estimates every item's difficulty (Rasch, in logits) from the district's submitted responses, one scale per
framework, starting from the author's difficulty for items with few responses, and reports fit (infit/outfit)
and items that misbehave. Each district is calibrated on its own students only (starter items too). Stored as a
new calibration run; scored attempts, results and mastery never change.
  --tenant <tenantId>  one district (growthline platform list shows the LMSs; tenant ids are in the database)
  --all                every tenant with submitted responses
  --framework <name>   only this framework (e.g. CCSS.Math)
  --json               print the stored reports as JSON`,
};

export const CALIBRATION_SUMMARY = '  bank calibrate (--tenant <id> | --all)   Calibrate item difficulties from responses; flag misbehaving items';

/** How main.ts reports a misused command (exit 2) and failed work (exit 1). */
export interface CliErrors { usage(message: string): Error; failure(message: string): Error }

interface Options { tenant?: string; all?: boolean; framework?: string; json?: boolean; help?: boolean }

const fixed = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));
const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

/** The report as a table a person reads in a terminal: flagged items first, each followed by its reasons. */
export function formatReport(r: CalibrationReport, tenantLabel: string): string {
  const s = r.summary;
  const lines = [
    `${tenantLabel} — ${r.framework}`,
    `  ${s.sittings} sittings, ${s.responses} responses, ${s.items} items calibrated, ${s.flagged} flagged` +
      ` (${s.converged ? `converged in ${s.iterations} iterations` : `did not converge in ${s.iterations} iterations`}; run ${r.id})`,
    '',
  ];
  const cols: [string, number, boolean, (i: CalibrationItemView) => string][] = [
    ['Item', Math.max(4, ...r.items.map((i) => `${i.itemId} v${i.version}`.length)), false, (i) => `${i.itemId} v${i.version}`],
    ['Standard', Math.max(8, ...r.items.map((i) => (i.standards[0] ?? '').length)), false, (i) => i.standards[0] ?? ''],
    ['Author', 6, true, (i) => fixed(i.authorDifficulty)],
    ['Calibrated', 10, true, (i) => fixed(i.difficulty)],
    ['SE', 5, true, (i) => fixed(i.se)],
    ['N', 5, true, (i) => String(i.n)],
    ['Infit', 5, true, (i) => fixed(i.infit)],
    ['Outfit', 6, true, (i) => fixed(i.outfit)],
    ['Flag', 4, false, (i) => (i.flags.length ? [...new Set(i.flags.map((f) => f.code))].join(', ') : (i.fitJudged ? 'ok' : 'few responses'))],
  ];
  lines.push(`  ${cols.map(([h, w, right]) => pad(h, w, right)).join('  ')}`.trimEnd());
  for (const i of r.items) {
    lines.push(`  ${cols.map(([, w, right, cell]) => pad(cell(i), w, right)).join('  ')}`.trimEnd());
    for (const f of i.flags) lines.push(`      ! ${f.message}`);
  }
  return lines.join('\n');
}

export function calibrationCommands(e: CliErrors): Record<string, (args: string[]) => Promise<void>> {
  return {
    'bank calibrate': async (args) => {
      let o: Options;
      try {
        o = parseArgs({ args, options: { tenant: { type: 'string' }, all: { type: 'boolean' }, framework: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Options;
      } catch (err) {
        throw e.usage((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
      }
      if (o.help) return void out(CALIBRATION_HELP['bank calibrate']!);
      if (o.tenant && o.all) throw e.usage('Give either --tenant <tenantId> or --all, not both.');
      if (!o.tenant && !o.all) throw e.usage('Say which district: --tenant <tenantId>, or --all for every tenant with responses.');
      if (o.tenant && !/^[0-9a-f]{24}$/i.test(o.tenant)) throw e.usage(`"${o.tenant}" is not a tenant id (24 hexadecimal characters).`);
      if (o.framework !== undefined && !o.framework.trim()) throw e.usage('--framework needs a name, e.g. CCSS.Math.');

      const config = loadConfig();
      const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, say: (l) => process.stderr.write(`${l}\n`) });
      try {
        await ensureIndexes();
        const tenants = o.tenant ? [o.tenant] : await tenantsWithResponses();
        const results: { tenantId: string; reports: (CalibrationReport & { fresh: boolean })[] }[] = [];
        for (const tenantId of tenants) {
          let label = `Tenant ${tenantId}`;
          try {
            const reg = await getTenantRegistration(tenantId);
            label = `Tenant ${tenantId} (${reg.platform.name}, deployment ${reg.deploymentId})`;
          } catch {
            if (o.tenant) throw e.failure(`There is no tenant ${tenantId} in this database. Tenants are created when an LMS platform is registered.`);
          }
          let outcomes: RunOutcome[];
          try {
            outcomes = await runCalibration(tenantId, { framework: o.framework?.trim(), trigger: 'command' });
          } catch (err) {
            throw e.failure(`${label}: ${(err as Error).message}`);
          }
          results.push({ tenantId, reports: outcomes.map((x) => ({ ...x.report, fresh: x.fresh })) });
          if (o.json) continue;
          if (!outcomes.length) out(`${label}: no submitted responses${o.framework ? ` to ${o.framework} items` : ''} yet; nothing was calibrated.`);
          for (const x of outcomes) {
            if (!x.fresh) out(`${label} — ${x.report.framework}: no attempt was submitted since the last calibration (run ${x.report.id}, ${x.report.createdAt}); nothing new was stored. That run:`);
            out(`${formatReport(x.report, label)}\n`);
          }
        }
        if (o.json) out(JSON.stringify({ tenants: results }, null, 2));
        else if (!tenants.length) out('No tenant has submitted responses yet; nothing was calibrated.');
      } finally {
        await db.close();
      }
    },
  };
}
