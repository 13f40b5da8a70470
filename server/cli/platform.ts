// `growthline platform …` and `growthline keys …`: what an LMS administrator does from a shell —
// register an LMS by hand (Schoology, Canvas without Dynamic Registration), list and remove LMSs,
// add deployments, rotate and list the tool's signing keys. Talks to the same database as the tool.
import { listPlatforms } from '../tenants/tenant.service.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import express from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import { describePlatform, removePlatform } from '../admin/platform-removal.js';
import { loadConfig, type Config } from '../config.js';
import { connectDatabase, ensureIndexes } from '../db/connection.js';
import { AppError } from '../http/problem.js';
import { createLogger } from '../log.js';
import { configureToolKeys, DEFAULT_GRACE_HOURS, listToolKeys, rotateSigningKey } from '../lti/keys.js';
import { mountLti, type LtiService } from '../lti/provider.js';
import { registerLmsPlatform, TOOL_SCOPES } from '../lti/registration.js';
import { platformServiceStatus } from '../lti/service-token.js';
import { platformProgressScores, setProgressScores } from '../grades/progress.js';
import { addDeployment, findPlatform } from '../tenants/tenant.service.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** One line typed by the administrator (confirmation prompts). */
  ask(question: string): Promise<string>;
}

export interface CliContext { lti: LtiService; toolUrl: string; config: Config; io: CliIo }

export const PLATFORM_USAGE = `Usage:
  growthline platform add --issuer URL --client-id ID --deployment-id ID [--deployment-id ID …]
                          --auth-url URL --token-url URL --jwks-url URL
                          [--name NAME] [--family canvas|schoology|moodle] [--scope SCOPE …]
                          [--frame-origin URL …] [--accept-new-deployments] [--progress-scores]
  growthline platform list [--json]
  growthline platform progress-scores ISSUER CLIENT_ID on|off|default
  growthline platform add-deployment --issuer URL --client-id ID --deployment-id ID
  growthline platform remove ISSUER CLIENT_ID [--yes]`;

export const KEYS_USAGE = `Usage:
  growthline keys rotate [--grace-hours N]     (default ${DEFAULT_GRACE_HOURS} hours)
  growthline keys list [--json]`;

class UsageError extends Error {}

// Registration fields → the flag an administrator typed, for error messages.
const FLAG_OF: Record<string, string> = {
  issuer: '--issuer', clientId: '--client-id', deploymentIds: '--deployment-id', authEndpoint: '--auth-url',
  tokenEndpoint: '--token-url', jwksUrl: '--jwks-url', name: '--name', productFamily: '--family', scopes: '--scope', frameOrigins: '--frame-origin',
};

const AddSchema = z.object({
  issuer: z.string({ required_error: 'is required' }),
  'client-id': z.string({ required_error: 'is required' }),
  'deployment-id': z.array(z.string()).default([]),
  'auth-url': z.string({ required_error: 'is required' }),
  'token-url': z.string({ required_error: 'is required' }),
  'jwks-url': z.string({ required_error: 'is required' }),
  name: z.string().optional(),
  family: z.enum(['canvas', 'schoology', 'moodle']).optional(),
  scope: z.array(z.string()).optional(),
  'frame-origin': z.array(z.string().url('must be a URL like https://district.instructure.com')).default([]),
  'accept-new-deployments': z.boolean().optional(),
  'progress-scores': z.boolean().optional(),
});

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function zodProblem(err: z.ZodError): string {
  return err.issues.map((i) => {
    const field = String(i.path[0] ?? '');
    return `${FLAG_OF[field] ?? (field ? `--${field}` : 'input')}: ${i.message}`;
  }).join('\n');
}

export async function platformCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  const { io } = ctx;
  switch (sub) {
    case 'add': {
      const { values } = parse(rest, {
        issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'deployment-id': { type: 'string', multiple: true },
        'auth-url': { type: 'string' }, 'token-url': { type: 'string' }, 'jwks-url': { type: 'string' },
        name: { type: 'string' }, family: { type: 'string' }, scope: { type: 'string', multiple: true },
        'frame-origin': { type: 'string', multiple: true }, 'accept-new-deployments': { type: 'boolean' },
        'progress-scores': { type: 'boolean' },
      });
      const a = AddSchema.safeParse(values);
      if (!a.success) throw new UsageError(zodProblem(a.error));
      const v = a.data;
      const acceptNew = v['accept-new-deployments'] ?? false;
      if (!v['deployment-id'].length && !acceptNew) throw new UsageError('--deployment-id: give at least one (or --accept-new-deployments to record them as they launch)');
      const family = v.family ?? 'unknown';
      const { platform, tenants } = await registerLmsPlatform(ctx.lti, {
        issuer: v.issuer, clientId: v['client-id'], deploymentIds: v['deployment-id'], acceptNewDeployments: acceptNew,
        authEndpoint: v['auth-url'], tokenEndpoint: v['token-url'], jwksUrl: v['jwks-url'],
        name: v.name ?? `${v.family ? `${v.family[0]!.toUpperCase()}${v.family.slice(1)} ` : ''}(${new URL(v.issuer).host})`,
        productFamily: family,
        // A manual registration cannot ask the LMS what it granted: assume what the tool asks for,
        // and learn about refusals from the token endpoint.
        scopes: v.scope ?? TOOL_SCOPES,
        // The address teachers and students use for the LMS (it frames the tool), when it is not the issuer's.
        frameOrigins: v['frame-origin'],
        registeredVia: 'manual',
      });
      // Without the flag the product family's default applies (see docs/install/*.md).
      if (v['progress-scores']) await setProgressScores(String(platform._id), true);
      io.out(`Registered ${platform.name}`);
      io.out(`  issuer:       ${platform.issuer}`);
      io.out(`  client id:    ${platform.clientId}`);
      io.out(`  deployments:  ${tenants.map((t) => t.deploymentId).join(', ') || '(recorded at first launch)'}`);
      io.out('Launches from this LMS are accepted now. In the LMS, Growthline needs:');
      io.out(`  login URL:    ${ctx.toolUrl}/lti/login`);
      io.out(`  launch URL:   ${ctx.toolUrl}/lti/launch`);
      io.out(`  key set URL:  ${ctx.toolUrl}/lti/keys`);
      return 0;
    }
    case 'list': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      const platforms = await listPlatforms();
      const rows = await Promise.all(platforms.map(async (p) => ({ ...p, services: await platformServiceStatus(p.id) })));
      if (values.json) {
        io.out(JSON.stringify(rows, null, 2));
        return 0;
      }
      if (!rows.length) io.out('No LMS is registered yet. Use "growthline platform add" or the LMS\'s Dynamic Registration.');
      for (const p of rows) {
        io.out(`${p.name}  [${p.productFamily}, ${p.registeredVia}]`);
        io.out(`  issuer:         ${p.issuer}`);
        io.out(`  client id:      ${p.clientId}`);
        io.out(`  deployments:    ${p.deploymentIds.join(', ') || '(none yet)'}`);
        io.out(`  grade passback: ${p.services.gradePassback}    roster: ${p.services.roster}`);
        if (p.services.reason) io.out(`  note:           ${p.services.reason}`);
        const progress = await platformProgressScores(p.id);
        io.out(`  progress scores: ${progress.progressScores ? 'on' : 'off'}${progress.source === 'default' ? ' (default)' : ''}`);
      }
      return 0;
    }
    case 'progress-scores': {
      const { positionals } = parse(rest, {});
      const [issuer, clientId, choice] = positionals;
      if (!issuer || !clientId || !choice || !['on', 'off', 'default'].includes(choice)) throw new UsageError('give the issuer, the client id and on, off or default');
      const platform = await findPlatform(issuer, clientId);
      if (!platform) throw new UsageError(`No platform with issuer ${issuer} and client id ${clientId} is registered ("growthline platform list" shows them).`);
      const now = await setProgressScores(String(platform._id), choice === 'default' ? null : choice === 'on');
      io.out(`Progress scores for ${platform.name}: ${now.progressScores ? 'on' : 'off'}${now.source === 'default' ? ' (the default for this LMS)' : ''}.`);
      return 0;
    }
    case 'add-deployment': {
      const { values, positionals } = parse(rest, { issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'deployment-id': { type: 'string' } });
      const issuer = values.issuer ?? positionals[0];
      const clientId = values['client-id'] ?? positionals[1];
      const deploymentId = values['deployment-id'] ?? positionals[2];
      if (!issuer || !clientId || !deploymentId) throw new UsageError('--issuer, --client-id and --deployment-id are required');
      const platform = await findPlatform(issuer, clientId);
      if (!platform) throw new UsageError(`No platform with issuer ${issuer} and client id ${clientId} is registered ("growthline platform list" shows them).`);
      await addDeployment(String(platform._id), deploymentId);
      io.out(`Deployment ${deploymentId} added to ${platform.name}.`);
      return 0;
    }
    case 'remove': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean', short: 'y' } });
      const [issuer, clientId] = positionals;
      if (!issuer || !clientId) throw new UsageError('give the issuer and the client id: growthline platform remove ISSUER CLIENT_ID');
      const { platform, tenants } = await describePlatform(issuer, clientId);
      if (!values.yes) {
        io.out(`This removes ${platform.name} (issuer ${platform.issuer}, client id ${platform.clientId}),`);
        io.out(`its ${tenants.length} deployment${tenants.length === 1 ? '' : 's'} and ALL their Growthline data: assessments and items written there,`);
        io.out('attempts and answers, mastery, and scores not yet sent to the gradebook. It cannot be undone.');
        const answer = (await io.ask(`Type the client id (${platform.clientId}) to confirm: `)).trim();
        if (answer !== platform.clientId) {
          io.err('Not removed: the answer did not match the client id.');
          return 1;
        }
      }
      const report = await removePlatform(ctx.lti, issuer, clientId);
      const total = Object.values(report.deleted).reduce((a, b) => a + b, 0);
      io.out(`Removed ${report.platform.name} and ${total} record${total === 1 ? '' : 's'}:`);
      for (const [collection, n] of Object.entries(report.deleted)) io.out(`  ${collection}: ${n}`);
      io.out('Also remove Growthline from the LMS itself, or its launches will show "This LMS is not registered".');
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown command "platform ${sub}"` : 'which platform command?');
  }
}

export async function keysCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  const { io } = ctx;
  switch (sub) {
    case 'rotate': {
      const { values } = parse(rest, { 'grace-hours': { type: 'string' } });
      const grace = values['grace-hours'] === undefined ? DEFAULT_GRACE_HOURS : Number(values['grace-hours']);
      if (!Number.isFinite(grace) || grace < 0 || grace > 8760) throw new UsageError('--grace-hours: a number of hours from 0 to 8760');
      if (!process.env.LTI_KEY) throw new UsageError('LTI_KEY must be set to the tool\'s value: the new private key is sealed with it.');
      const r = await rotateSigningKey({ graceHours: grace });
      io.out(`New signing key: ${r.kid}`);
      if (r.retired.length) io.out(`Retired: ${r.retired.join(', ')} (still published for ${grace} hours, so messages signed before keep verifying)`);
      io.out('Running tool processes start signing with the new key within a minute.');
      return 0;
    }
    case 'list': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      const keys = await listToolKeys();
      if (values.json) {
        io.out(JSON.stringify(keys, null, 2));
        return 0;
      }
      if (!keys.length) io.out('No signing key yet: the tool makes one on first use.');
      for (const k of keys) {
        const state = k.status === 'current' ? 'current' : k.published ? `previous, published until ${k.publishUntil!.toISOString()}` : 'retired';
        io.out(`${k.kid}  ${state}  (made ${k.createdAt.toISOString()})`);
      }
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown command "keys ${sub}"` : 'which keys command?');
  }
}

/** An embedded engine the running tool started: the CLI uses it and must leave it running. */
function embeddedEngineRunning(dataDir: string): boolean {
  const pidFile = path.join(dataDir, 'ferretdb.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill((JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Connects to the tool's database and sets up ltijs and the key store as the tool does. */
export async function openCliContext(io: CliIo, config: Config = loadConfig()): Promise<CliContext & { close(): Promise<void> }> {
  const leaveEngine = !config.mongodbUri && embeddedEngineRunning(config.dataDir);
  const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, say: (l) => io.err(l) });
  const toolUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  configureToolKeys({ ltiKey: config.ltiKey, production: config.production });
  // ltijs keeps its own platform records; the CLI registers and removes them through it, as the tool does.
  const lti = await mountLti(express(), {
    ltiKey: config.ltiKey, mongoUri: db.uri, dbName: db.dbName, toolUrl, log: createLogger('silent'),
    onLaunch: async () => { throw new Error('the CLI does not serve launches'); },
  });
  await ensureIndexes();
  return {
    lti, toolUrl, config, io,
    close: async () => {
      if (leaveEngine || !db.embedded) await mongoose.disconnect();
      else await db.close();
    },
  };
}

export function terminalIo(): CliIo {
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    ask: async (q) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
      try {
        // A closed stdin (no terminal, nothing piped) answers nothing rather than hanging.
        return await new Promise<string>((resolve) => {
          rl.once('close', () => resolve(''));
          rl.question(q).then(resolve, () => resolve(''));
        });
      } finally {
        rl.close();
      }
    },
  };
}

/** Runs `platform …` or `keys …`; returns the process exit code (2 for usage errors). */
export async function runPlatformCli(argv: string[], io: CliIo = terminalIo()): Promise<number> {
  const [group, ...args] = argv;
  const command = group === 'platform' ? platformCommand : group === 'keys' ? keysCommand : undefined;
  if (!command || args[0] === undefined || args[0] === '--help' || args[0] === 'help') {
    io.out(`${PLATFORM_USAGE}\n${KEYS_USAGE}`);
    return command || group === undefined || group === '--help' ? 0 : 2;
  }
  let ctx: (CliContext & { close(): Promise<void> }) | undefined;
  try {
    ctx = await openCliContext(io);
    return await command(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`growthline: ${err.message}`);
      io.err(group === 'keys' ? KEYS_USAGE : PLATFORM_USAGE);
      return 2;
    }
    if (err instanceof z.ZodError) {
      io.err(`growthline: ${zodProblem(err)}`);
      return 2;
    }
    io.err(`growthline: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}
