// A deliberately small, strict LTI tool used only to test the platform simulator:
// it starts OIDC logins, verifies id_tokens against the platform JWKS, signs client
// assertions and deep-linking responses, and performs Dynamic Registration.

import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { clientAssertionType } from './vocabulary.js';

export interface TrustedPlatform {
  issuer: string;
  clientId: string;
  deploymentId: string;
  authenticationEndpoint: string;
  accesstokenEndpoint: string;
  keysetUrl: string;
}

export interface VerifiedLaunch {
  ok: boolean;
  error?: string;
  claims?: JWTPayload & Record<string, unknown>;
}

interface ToolKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function toolKey(): Promise<ToolKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export class FakeTool {
  url = '';
  platform?: TrustedPlatform;
  /** Overrides the redirect_uri the tool sends, to test that the platform refuses it. */
  redirectUriOverride?: string;
  readonly launches: VerifiedLaunch[] = [];
  registrationAnswer?: Record<string, unknown>;
  /** Extra or replacement fields for the Dynamic Registration request body. */
  registrationOverrides: Record<string, unknown> = {};
  private key!: ToolKey;
  /** A key the tool never publishes, to sign assertions the platform must refuse. */
  rogueKey!: ToolKey;
  private readonly logins = new Map<string, { nonce: string }>();
  private server?: Server;

  async start(): Promise<void> {
    this.key = await toolKey();
    this.rogueKey = await toolKey();
    const app = express();
    app.get('/lti/keys', (_req, res) => res.json({ keys: [this.key.publicJwk] }));
    app.all('/lti/login', express.urlencoded({ extended: false }), (req, res) => this.login({ ...req.query, ...req.body }, res));
    app.post('/lti/launch', express.urlencoded({ extended: false }), (req, res) => {
      this.verifyLaunch(req.body as Record<string, string>).then((v) => {
        this.launches.push(v);
        res.status(v.ok ? 200 : 401).json(v);
      });
    });
    app.get('/lti/register', (req, res, next) => {
      this.register(String(req.query.openid_configuration), req.query.registration_token as string | undefined)
        .then(() => res.type('html').send('<script>(window.opener || window.parent).postMessage({subject:"org.imsglobal.lti.close"}, "*");</script>'))
        .catch(next);
    });
    this.server = createServer(app);
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  trust(platform: TrustedPlatform): void {
    this.platform = platform;
  }

  private login(params: Record<string, unknown>, res: express.Response): void {
    const p = this.platform;
    if (!p || params.iss !== p.issuer || params.client_id !== p.clientId) {
      res.status(403).send('unknown platform');
      return;
    }
    const state = randomBytes(16).toString('hex');
    const nonce = randomBytes(16).toString('hex');
    this.logins.set(state, { nonce });
    const auth = new URL(p.authenticationEndpoint);
    const query: Record<string, string> = {
      scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none',
      client_id: p.clientId, redirect_uri: this.redirectUriOverride ?? `${this.url}/lti/launch`,
      login_hint: String(params.login_hint), nonce, state,
    };
    if (params.lti_message_hint) query.lti_message_hint = String(params.lti_message_hint);
    if (params.lti_deployment_id) query.lti_deployment_id = String(params.lti_deployment_id);
    for (const [k, v] of Object.entries(query)) auth.searchParams.set(k, v);
    res.redirect(302, auth.toString());
  }

  private async verifyLaunch(body: Record<string, string>): Promise<VerifiedLaunch> {
    const p = this.platform;
    const login = body.state ? this.logins.get(body.state) : undefined;
    if (!p || !login || !body.id_token) return { ok: false, error: 'unknown state' };
    this.logins.delete(body.state ?? '');
    try {
      const jwks = createLocalJWKSet(await (await fetch(p.keysetUrl)).json() as { keys: JWK[] });
      const { payload } = await jwtVerify(body.id_token, jwks, { algorithms: ['RS256'], issuer: p.issuer, audience: p.clientId });
      if (payload.nonce !== login.nonce) return { ok: false, error: 'nonce mismatch' };
      return { ok: true, claims: payload as JWTPayload & Record<string, unknown> };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  private async register(openidConfiguration: string, token: string | undefined): Promise<void> {
    const cfg = await (await fetch(openidConfiguration)).json() as Record<string, string>;
    const res = await fetch(String(cfg.registration_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(this.registrationBody()),
    });
    const answer = await res.json() as Record<string, unknown>;
    if (!res.ok) throw new Error(`registration refused: ${JSON.stringify(answer)}`);
    this.registrationAnswer = answer;
    const toolConfig = answer['https://purl.imsglobal.org/spec/lti-tool-configuration'] as { deployment_id?: string };
    this.trust({
      issuer: String(cfg.issuer), clientId: String(answer.client_id), deploymentId: String(toolConfig.deployment_id),
      authenticationEndpoint: String(cfg.authorization_endpoint), accesstokenEndpoint: String(cfg.token_endpoint), keysetUrl: String(cfg.jwks_uri),
    });
  }

  registrationBody(): Record<string, unknown> {
    return {
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: `${this.url}/lti/login`,
      redirect_uris: [`${this.url}/lti/launch`],
      client_name: 'Fake tool',
      jwks_uri: `${this.url}/lti/keys`,
      token_endpoint_auth_method: 'private_key_jwt',
      scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
      'https://purl.imsglobal.org/spec/lti-tool-configuration': {
        domain: new URL(this.url).host,
        target_link_uri: `${this.url}/lti/launch`,
        claims: ['iss', 'sub', 'name'],
        messages: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
      ...this.registrationOverrides,
    };
  }

  /** A client assertion for the platform token endpoint; overrides let tests spoil one claim. */
  async clientAssertion(overrides: Record<string, unknown> = {}, opts: { rogue?: boolean } = {}): Promise<string> {
    const p = this.platform!;
    const key = opts.rogue ? this.rogueKey : this.key;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: p.clientId, sub: p.clientId, aud: p.accesstokenEndpoint, iat: now, exp: now + 60, jti: randomUUID(), ...overrides })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(key.privateKey);
  }

  async requestToken(scopes: string[], assertion?: string, grantType = 'client_credentials'): Promise<Response> {
    return fetch(this.platform!.accesstokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: grantType,
        client_assertion_type: clientAssertionType,
        client_assertion: assertion ?? (await this.clientAssertion()),
        scope: scopes.join(' '),
      }),
    });
  }

  async accessToken(scopes: string[]): Promise<string> {
    const res = await this.requestToken(scopes);
    if (!res.ok) throw new Error(`token refused: ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async deepLinkingResponse(claims: Record<string, unknown>, aud?: string): Promise<string> {
    const p = this.platform!;
    return new SignJWT({
      nonce: randomUUID(),
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': p.deploymentId,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid })
      .setIssuer(p.clientId)
      .setAudience(aud ?? p.issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.key.privateKey);
  }
}
