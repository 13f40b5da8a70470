// How the admin page's sections talk to the page: results for its live region, and "the token stopped
// working" (401), which signs the administrator out. Events are composed so they cross shadow roots.
import { summarizeProblem } from '../authoring/problems.js';
import { isUnauthorized } from './admin-api.js';

export const ANNOUNCE = 'gl-admin-announce';
export const UNAUTHORIZED = 'gl-admin-unauthorized';

export function announce(from: Element, message: string): void {
  from.dispatchEvent(new CustomEvent(ANNOUNCE, { detail: { message }, bubbles: true, composed: true }));
}

/** The failure as a form can show it; a 401 also tells the page to sign out. */
export function failure(from: Element, err: unknown) {
  if (isUnauthorized(err)) from.dispatchEvent(new CustomEvent(UNAUTHORIZED, { bubbles: true, composed: true }));
  return summarizeProblem(err);
}
