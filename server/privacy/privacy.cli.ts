// `growthline privacy …`: what a district's data-protection officer runs for an access request or a
// deletion request — export one student's data as JSON, delete one student's data, delete a course's
// data — plus `coverage`, the table of what those commands reach (docs/privacy.md).
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/connection.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { deleteCourseData, deleteStudentData, exportStudentData, findCourse, findStudent, type DeletionReport } from './privacy.service.js';
import { coverageTable, loadAllModels } from './record-kinds.js';

const out = (text: string) => process.stdout.write(`${text}\n`);

export const PRIVACY_HELP: Record<string, string> = {
  'privacy export-student': `Usage: growthline privacy export-student --tenant <tenantId> --student <personId|sub> [--out <file.json>]

Writes everything Growthline stores about one student (for an access request) as JSON: their person
record, attempts with every answer and score, mastery estimates, grades waiting for or sent to the LMS,
accommodations, their entries in rosters and groups, and the LTI library's copy of their last launch.
  --student   Growthline's person id, or the LMS's user id (the LTI "sub")
  --out       the file to write (default: standard output)`,
  'privacy delete-student': `Usage: growthline privacy delete-student --tenant <tenantId> --student <personId|sub> (--yes | --dry-run) [--json]

Deletes every record of one student in one tenant and takes them out of records that list others too
(rosters, saved groups). Cannot be undone: export first if the data may be asked for.
  --student   Growthline's person id, or the LMS's user id (the LTI "sub")
  --dry-run   only count what would be deleted
  --yes       delete without asking (otherwise you are asked to type the student id)
  --json      print the report as JSON`,
  'privacy delete-course': `Usage: growthline privacy delete-course --tenant <tenantId> --course <courseId|contextId> (--yes | --dry-run) [--json]

Deletes one course's data: its activities, attempts, mastery, grade records, rosters, groups and the
content written for it alone (content shared with the whole tenant stays), and the people for whom it
held their last records. Cannot be undone.
  --course    Growthline's course id, or the LMS's course id (the LTI context id)
  --dry-run   only count what would be deleted
  --yes       delete without asking (otherwise you are asked to type the course id)
  --json      print the report as JSON`,
  'privacy coverage': `Usage: growthline privacy coverage

Prints which collections the privacy commands reach and how, read from the models (the table in docs/privacy.md).`,
};

export const PRIVACY_SUMMARY = `  privacy export-student                   Export one student's data as JSON (access requests)
  privacy delete-student                   Delete one student's data
  privacy delete-course                    Delete one course's data
  privacy coverage                         Show what the privacy commands reach`;

interface Options { tenant?: string; student?: string; course?: string; out?: string; yes?: boolean; 'dry-run'?: boolean; json?: boolean; help?: boolean }

/** How main.ts reports a misused command (exit 2) and failed work (exit 1). */
export interface CliErrors { usage(message: string): Error; failure(message: string): Error }

export function privacyCommands(e: CliErrors): Record<string, (args: string[]) => Promise<void>> {
  const parse = (args: string[], names: (keyof Options)[]): Options => {
    const all = { tenant: 'string', student: 'string', course: 'string', out: 'string', yes: 'boolean', 'dry-run': 'boolean', json: 'boolean' } as const;
    try {
      const r = parseArgs({ args, options: { ...Object.fromEntries(names.map((n) => [n, { type: all[n as keyof typeof all] }])), help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
      return r.values as Options;
    } catch (err) {
      throw e.usage((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
    }
  };

  const needTenant = (o: Options) => {
    if (!o.tenant) throw e.usage('Say which tenant: --tenant <tenantId> (growthline platform list shows them).');
    if (!/^[0-9a-f]{24}$/i.test(o.tenant)) throw e.usage(`"${o.tenant}" is not a tenant id (24 hexadecimal characters).`);
    return o.tenant;
  };

  /** Connects like the server does, checks the tenant, runs, disconnects. */
  const withTenant = async <T>(tenantId: string, work: () => Promise<T>): Promise<T> => {
    const config = loadConfig();
    const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, say: (l) => process.stderr.write(`${l}\n`) });
    try {
      await loadAllModels();
      try { await getTenantRegistration(tenantId); } catch { throw e.failure(`There is no tenant ${tenantId} in this database.`); }
      return await work();
    } finally {
      await db.close();
    }
  };

  /** Checked before connecting: a script that forgot --yes learns it at once. */
  const needConsent = (o: Options) => {
    if (o.yes && o['dry-run']) throw e.usage('Give --yes or --dry-run, not both.');
    if (!o.yes && !o['dry-run'] && !process.stdin.isTTY) throw e.usage('Deleting cannot be undone: add --yes to go ahead, or --dry-run to see what would be deleted.');
  };
  const confirm = async (o: Options, what: string, typed: string) => {
    if (o.yes || o['dry-run']) return;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`This deletes ${what} and cannot be undone. Type ${typed} to go ahead: `);
      if (answer.trim() !== typed) throw e.failure('Not confirmed; nothing was deleted.');
    } finally { rl.close(); }
  };

  const printReport = (o: Options, title: string, r: DeletionReport) => {
    if (o.json) return void out(JSON.stringify(r, null, 2));
    const list = (m: Record<string, number>) => Object.entries(m).map(([c, n]) => `${c} ${n}`).join(', ') || 'nothing';
    out(`${r.dryRun ? 'Would delete' : 'Deleted'} ${title}: ${list(r.deleted)}.`);
    if (Object.keys(r.scrubbed).length) out(`${r.dryRun ? 'Would take' : 'Took'} them out of: ${list(r.scrubbed)}.`);
    if (r.peopleRemoved) out(`People with no other records ${r.dryRun ? 'that would be removed' : 'removed'}: ${r.peopleRemoved}.`);
    for (const n of r.notes) out(`Note: ${n}`);
  };

  return {
    'privacy export-student': async (args) => {
      const o = parse(args, ['tenant', 'student', 'out']);
      if (o.help) return void out(PRIVACY_HELP['privacy export-student']!);
      const tenantId = needTenant(o);
      if (!o.student) throw e.usage('Say which student: --student <personId|sub>.');
      if (o.out && !existsSync(path.dirname(path.resolve(o.out)))) throw e.failure(`${path.dirname(path.resolve(o.out))}: no such folder to write into.`);
      await withTenant(tenantId, async () => {
        const student = await findStudent(tenantId, o.student!);
        if (!student) throw e.failure(`Tenant ${tenantId} has no student ${o.student} (by person id or LMS user id).`);
        const json = JSON.stringify(await exportStudentData(tenantId, student), null, 2);
        if (o.out) {
          writeFileSync(o.out, `${json}\n`, { mode: 0o600 });
          process.stderr.write(`Wrote ${o.out} (${Buffer.byteLength(json)} bytes). It holds a student's personal data: keep it safe and delete it once delivered.\n`);
        } else out(json);
      });
    },
    'privacy delete-student': async (args) => {
      const o = parse(args, ['tenant', 'student', 'yes', 'dry-run', 'json']);
      if (o.help) return void out(PRIVACY_HELP['privacy delete-student']!);
      const tenantId = needTenant(o);
      if (!o.student) throw e.usage('Say which student: --student <personId|sub>.');
      needConsent(o);
      await withTenant(tenantId, async () => {
        const student = await findStudent(tenantId, o.student!);
        if (!student) throw e.failure(`Tenant ${tenantId} has no student ${o.student} (by person id or LMS user id); nothing was deleted.`);
        await confirm(o, `every record of student ${student.personId}`, o.student!);
        printReport(o, `student ${student.personId}${student.sub ? ` (LMS user ${student.sub})` : ''}`, await deleteStudentData(tenantId, student, { dryRun: o['dry-run'] }));
      });
    },
    'privacy delete-course': async (args) => {
      const o = parse(args, ['tenant', 'course', 'yes', 'dry-run', 'json']);
      if (o.help) return void out(PRIVACY_HELP['privacy delete-course']!);
      const tenantId = needTenant(o);
      if (!o.course) throw e.usage('Say which course: --course <courseId|contextId>.');
      needConsent(o);
      await withTenant(tenantId, async () => {
        const course = await findCourse(tenantId, o.course!);
        if (!course) throw e.failure(`Tenant ${tenantId} has no course ${o.course} (by course id or LMS context id); nothing was deleted.`);
        await confirm(o, `course ${course.courseId} and its data`, o.course!);
        printReport(o, `course ${course.courseId}${course.contextId ? ` (LMS course ${course.contextId})` : ''}`, await deleteCourseData(tenantId, course, { dryRun: o['dry-run'] }));
      });
    },
    'privacy coverage': async (args) => {
      const o = parse(args, []);
      if (o.help) return void out(PRIVACY_HELP['privacy coverage']!);
      await loadAllModels();
      out(coverageTable());
    },
  };
}
