// The tool's own signing keys: one current RSA key signs every message the tool sends to an LMS
// (deep linking responses, OAuth client assertions); the JWKS at /lti/keys publishes the current
// key and, during a grace period after a rotation, the previous ones, so nothing in flight breaks.
// Private keys are stored sealed with AES-256-GCM under a key derived from LTI_KEY.
import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPair, hkdfSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { RequestHandler } from 'express';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import mongoose, { Schema } from 'mongoose';
import { Conflict } from '../http/problem.js';

export const DEFAULT_GRACE_HOURS = 7 * 24;
// How long a process keeps using the key it last read before looking again: a rotation by another
// process (the CLI) is picked up within this time; the old key stays published far longer.
const KEY_CACHE_MS = 30_000;
// Records of keys that left the JWKS long ago are of no use, even for an audit.
const FORGET_RETIRED_AFTER_MS = 90 * 24 * 3600 * 1000;

const sealedSchema = new Schema({ iv: String, tag: String, data: String }, { _id: false });

const toolKeySchema = new Schema({
  kid: { type: String, required: true },
  // Increases by one per key; unique, so two processes creating or rotating at once cannot both win.
  generation: { type: Number, required: true },
  alg: { type: String, default: 'RS256' },
  publicJwk: { type: Schema.Types.Mixed, required: true },
  // Dropped when the key is retired: only the current key ever signs.
  privateKey: { type: sealedSchema, default: undefined },
  status: { type: String, enum: ['current', 'previous'], required: true },
  createdAt: { type: Date, required: true },
  retiredAt: { type: Date, default: null },
  // A previous key stays in the JWKS until then, so launches and grade passback signed or
  // verified during a rotation keep working.
  publishUntil: { type: Date, default: null },
});
toolKeySchema.index({ generation: 1 }, { unique: true });
toolKeySchema.index({ kid: 1 }, { unique: true });
toolKeySchema.index({ status: 1, publishUntil: 1 });

export const ToolKeyModel = mongoose.model('ToolKey', toolKeySchema, 'lti_tool_keys');

// ---------------------------------------------------------------------------------------------
// Sealing secrets at rest. Each purpose gets its own key derived from LTI_KEY, and the record's
// identity is bound in as associated data, so a sealed value cannot be moved to another record.

export interface Sealed { iv: string; tag: string; data: string }

let secret: { ltiKey: string; production: boolean } | undefined;

/** Gives the key store the tool's LTI_KEY. Every tool process and the CLI call it once at start. */
export function configureToolKeys(o: { ltiKey: string; production: boolean }): void {
  if (secret && secret.ltiKey !== o.ltiKey) signingKeyCache = undefined;
  secret = { ltiKey: o.ltiKey, production: o.production };
}

function sealingKey(purpose: string): Buffer {
  if (!secret) throw new Error('The key store has no LTI_KEY: configureToolKeys() must run at start-up.');
  return Buffer.from(hkdfSync('sha256', secret.ltiKey, 'growthline', `growthline/${purpose}/v1`, 32));
}

export function seal(purpose: string, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(purpose), iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Throws when the value was sealed under another LTI_KEY or was altered. */
export function unseal(purpose: string, sealed: Sealed, aad: string): string {
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(purpose), Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
}

// ---------------------------------------------------------------------------------------------

export interface SigningKey { kid: string; alg: 'RS256'; privateKey: KeyObject }

export interface ToolKeyView {
  kid: string; generation: number; status: 'current' | 'previous'; published: boolean;
  createdAt: Date; retiredAt: Date | null; publishUntil: Date | null;
}

let signingKeyCache: { key: SigningKey; at: number } | undefined;

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;
const generateRsa = promisify(generateKeyPair);

async function insertKey(generation: number, now: Date) {
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return ToolKeyModel.create({
    kid, generation, alg: 'RS256', publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
    privateKey: seal('tool-key', pem, kid), status: 'current', createdAt: now,
  });
}

type ToolKeyDoc = { kid: string; generation: number; privateKey?: Sealed | null; status: string };

const newestKey = async () => (await ToolKeyModel.findOne().sort({ generation: -1 }).lean()) as ToolKeyDoc | null;

function openKey(doc: ToolKeyDoc): SigningKey {
  if (!doc.privateKey?.data) throw new UnreadableKey(doc.kid);
  let pem: string;
  try {
    pem = unseal('tool-key', doc.privateKey as Sealed, doc.kid);
  } catch {
    throw new UnreadableKey(doc.kid);
  }
  return { kid: doc.kid, alg: 'RS256', privateKey: createPrivateKey(pem) };
}

class UnreadableKey extends Error {
  constructor(readonly kid: string) {
    super(`The tool's signing key ${kid} cannot be opened with this LTI_KEY. Set LTI_KEY back to the value it had when the key was made, or run "growthline keys rotate" to make a new key.`);
  }
}

/**
 * The key that signs everything the tool sends now. Made on first use; when several processes
 * start at once, the unique generation index lets one create it and the others read it.
 */
export async function currentSigningKey(): Promise<SigningKey> {
  if (signingKeyCache && Date.now() - signingKeyCache.at < KEY_CACHE_MS) return signingKeyCache.key;
  sealingKey('tool-key'); // fails early, with its own message, when LTI_KEY was never given
  let doc = await newestKey();
  if (!doc) {
    try {
      doc = (await insertKey(1, new Date())).toObject() as ToolKeyDoc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      doc = await newestKey();
      if (!doc) throw err;
    }
  }
  let key: SigningKey;
  try {
    key = openKey(doc);
  } catch (err) {
    // Outside production LTI_KEY is random per process, so a restart cannot read the stored key:
    // replace it (the old public key stays published) instead of failing every launch.
    if (!(err instanceof UnreadableKey) || secret?.production !== false) throw err;
    await rotateSigningKey().catch((e: unknown) => { if (!(e instanceof Conflict)) throw e; });
    const fresh = await newestKey();
    key = openKey(fresh!);
  }
  signingKeyCache = { key, at: Date.now() };
  return key;
}

/**
 * Makes a new current key and retires the others. Retired keys stay in the JWKS for `graceHours`
 * (messages signed just before, and platforms that cached the JWKS, keep verifying); their private
 * halves are deleted at once since only the current key signs.
 */
export async function rotateSigningKey(o: { graceHours?: number; now?: Date } = {}): Promise<{ kid: string; retired: string[] }> {
  const graceHours = o.graceHours ?? DEFAULT_GRACE_HOURS;
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 24 * 365) throw new RangeError('graceHours must be between 0 and 8760');
  const now = o.now ?? new Date();
  const latest = await newestKey();
  const generation = (latest?.generation ?? 0) + 1;
  let created;
  try {
    created = await insertKey(generation, now);
  } catch (err) {
    if (isDuplicateKey(err)) throw new Conflict('Another key rotation happened at the same moment. List the keys and rotate again if needed.');
    throw err;
  }
  const retiring = await ToolKeyModel.find({ generation: { $lt: generation }, status: 'current' }, { kid: 1 }).lean();
  await ToolKeyModel.updateMany(
    { generation: { $lt: generation }, status: 'current' },
    { $set: { status: 'previous', retiredAt: now, publishUntil: new Date(now.getTime() + graceHours * 3600_000) }, $unset: { privateKey: 1 } },
  );
  await ToolKeyModel.deleteMany({ status: 'previous', publishUntil: { $lt: new Date(now.getTime() - FORGET_RETIRED_AFTER_MS) } });
  signingKeyCache = undefined;
  return { kid: created.kid, retired: retiring.map((k) => k.kid) };
}

/** The tool's public keys: the current one and previous ones still inside their grace period. */
export async function toolJwks(now = new Date()): Promise<{ keys: JWK[] }> {
  let docs = await ToolKeyModel.find({ $or: [{ status: 'current' }, { status: 'previous', publishUntil: { $gt: now } }] }).sort({ generation: -1 }).lean();
  if (!docs.length) {
    // A platform may fetch the JWKS before the tool ever signed anything.
    await currentSigningKey();
    docs = await ToolKeyModel.find({ status: 'current' }).sort({ generation: -1 }).lean();
  }
  return { keys: docs.map((d) => d.publicJwk as JWK) };
}

export async function listToolKeys(now = new Date()): Promise<ToolKeyView[]> {
  const docs = await ToolKeyModel.find({}, { privateKey: 0 }).sort({ generation: -1 }).lean();
  return docs.map((d) => ({
    kid: d.kid, generation: d.generation, status: d.status as 'current' | 'previous',
    published: d.status === 'current' || (!!d.publishUntil && d.publishUntil > now),
    createdAt: d.createdAt, retiredAt: d.retiredAt ?? null, publishUntil: d.publishUntil ?? null,
  }));
}

export interface ToolJwtOptions {
  issuer: string;
  audience: string;
  subject?: string;
  /** At most 5 minutes: an LMS refuses longer-lived client assertions. */
  expiresInSeconds?: number;
  jti?: boolean;
}

/** Signs a JWT as the tool, with the current key and its kid in the header. */
export async function signAsTool(payload: JWTPayload, o: ToolJwtOptions): Promise<string> {
  const key = await currentSigningKey();
  const lifetime = Math.min(o.expiresInSeconds ?? 300, 300);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime);
  if (o.subject) jwt = jwt.setSubject(o.subject);
  if (o.jti) jwt = jwt.setJti(randomUUID());
  return jwt.sign(key.privateKey);
}

/**
 * GET /lti/keys. Mounted in every tool process, so it is also where the key store receives the
 * tool's secret (LTI_KEY) it needs to open private keys.
 */
export function toolKeysRoute(config: { ltiKey: string; production: boolean }): RequestHandler {
  configureToolKeys(config);
  return (_req, res, next) => {
    toolJwks().then((jwks) => {
      // Short: platforms that cache the JWKS see a new key soon; old keys stay for the grace period.
      res.set('Cache-Control', 'public, max-age=60').type('application/json').send(JSON.stringify(jwks));
    }, next);
  };
}

/** For tests: forget the cached signing key as if the process restarted. */
export function forgetCachedSigningKey(): void { signingKeyCache = undefined; }
