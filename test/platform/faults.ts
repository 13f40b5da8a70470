// Fault injection for the service endpoints: each queued fault spoils exactly one
// request, so a test can say "the next two score posts fail with 503" and then watch
// the tool's retry logic recover.

import type { RequestHandler } from 'express';
import type { PlatformState } from './state.js';
import type { Fault, ServiceEndpoint } from './types.js';

export function setFaults(state: PlatformState, endpoint: ServiceEndpoint, faults: Fault[]): void {
  state.faults.set(endpoint, faults.map((f) => ({ ...f })));
}

function takeFault(state: PlatformState, endpoint: ServiceEndpoint): Fault | undefined {
  return state.faults.get(endpoint)?.shift();
}

function later(state: PlatformState, ms: number, run: () => void): void {
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    run();
  }, ms);
  state.timers.add(timer);
}

export function faultInjection(state: PlatformState, endpoint: ServiceEndpoint): RequestHandler {
  return (_req, res, next) => {
    const fault = takeFault(state, endpoint);
    if (!fault) return next();
    const act = () => {
      if (fault.dropConnection) {
        res.socket?.destroy();
        return;
      }
      if (fault.status === undefined) return next();
      if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
      res.status(fault.status).type('text/plain').send(fault.body ?? `injected fault: ${fault.status}`);
    };
    if (fault.delayMs) later(state, fault.delayMs, act);
    else act();
  };
}
