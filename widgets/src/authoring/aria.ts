// Small helpers for ARIA attribute bindings.
import { nothing } from 'lit';

/** An ID-reference list for aria-describedby and friends; no attribute at all when empty. */
export function idrefs(...ids: (string | undefined | false)[]): string | typeof nothing {
  const s = ids.filter(Boolean).join(' ');
  return s || nothing;
}
