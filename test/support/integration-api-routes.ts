// Every `METHOD /api/path` the running express app answers, read from its router at test time, so
// the authorization matrix and the API fuzz cover a new route without anyone listing it by hand.
import type { Express } from 'express';

interface Layer { route?: { path: string | string[]; methods: Record<string, boolean> }; name?: string; handle?: { stack?: Layer[] }; regexp?: RegExp & { fast_slash?: boolean } }

function mountPath(layer: Layer): string {
  if (layer.regexp?.fast_slash) return '';
  // express 4 compiles app.use('/api', router) to /^\/api\/?(?=\/|$)/i
  const source = layer.regexp?.source ?? '';
  const path = source.replace(/^\^/, '').replace('\\/?(?=\\/|$)', '').replace(/\\\//g, '/');
  if (!/^(\/[\w-]+)+$/.test(path)) throw new Error(`cannot read the mount path of a router from ${source}: teach mountPath() this form`);
  return path;
}

export function apiRoutes(app: Express): string[] {
  const found = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all'); // .all() = fallbacks that only refuse
        for (const p of paths) for (const m of methods) found.add(`${m.toUpperCase()} ${prefix}${p}`);
      } else if (layer.handle?.stack && layer.name === 'router') {
        walk(layer.handle.stack, prefix + mountPath(layer));
      }
    }
  };
  walk((app as unknown as { _router: { stack: Layer[] } })._router.stack, '');
  return [...found].filter((r) => r.split(' ')[1]!.startsWith('/api/')).sort();
}
