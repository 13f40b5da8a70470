// The launch benchmark's baseline: the smallest LTI 1.3 tool ltijs makes, with its defaults (its own
// express server, login at /login, launches at /, state and session cookies, the ltik redirect) and a
// one-line page. run.ts starts it as a child process on the same database server, another database.
import ltijs from 'ltijs';
import mongoose from 'mongoose';

interface BareProvider {
  setup(key: string, db: object, options?: object): BareProvider;
  onConnect(cb: (token: unknown, req: unknown, res: { send(body: string): void }) => unknown): void;
  deploy(o: object): Promise<boolean>;
  registerPlatform(p: object): Promise<unknown>;
}

const Provider = (ltijs as { Provider: BareProvider }).Provider;

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run.ts starts this script)`);
  return v;
}

// FerretDB refuses the TTL indexes ltijs declares; without this mongoose's background index build
// reports the refusal on every model. Index building is the only thing it changes.
mongoose.set('autoIndex', false);

Provider.setup(need('BARE_KEY'), { url: need('BARE_MONGODB_URI') });
Provider.onConnect((_token, _req, res) => res.send('<!doctype html><html lang="en"><title>Bare tool</title><main id="bare-tool-page">Launched.</main></html>'));
await Provider.deploy({ port: Number(need('BARE_PORT')), silent: true });
await Provider.registerPlatform({
  url: need('BARE_ISSUER'), name: 'Benchmark LMS', clientId: need('BARE_CLIENT_ID'),
  authenticationEndpoint: need('BARE_AUTH_ENDPOINT'), accesstokenEndpoint: need('BARE_TOKEN_ENDPOINT'),
  authConfig: { method: 'JWK_SET', key: need('BARE_JWKS_URL') },
});
process.stdout.write('bare ltijs ready\n');
