// Styles the admin page's sections share on top of the authoring controls: sections, wide tables that scroll,
// the modal dialog, and the live region. Every colour is a theme custom property (server/static/theme.css).
import { css } from 'lit';
import { formStyles } from '../authoring/styles.js';

const own = css`
  section { margin: 0 0 2rem; }
  h2 { font-size: 1.3rem; margin: 1.5rem 0 .5rem; }
  h2:focus { outline: none; }
  h2:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  input[type='url'], input[type='password'] {
    display: block; width: 100%; padding: .4rem .5rem; margin-top: .25rem;
    border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); background: var(--gl-bg, #fff);
  }
  input[readonly] { background: var(--gl-surface, #f5f6f8); font-family: ui-monospace, monospace; font-size: .9rem; }
  code, .mono { font-family: ui-monospace, monospace; font-size: .9rem; overflow-wrap: anywhere; }
  .muted { color: var(--gl-muted, #4a4a4a); }
  .req { font-weight: 400; color: var(--gl-muted, #4a4a4a); }
  .error { border-left: 4px solid var(--gl-bad, #a1262b); padding: .25rem .75rem; background: var(--gl-surface, #f5f6f8); }
  button.danger { border-color: var(--gl-bad, #a1262b); color: var(--gl-bad, #a1262b); }
  button.danger.primary { background: var(--gl-bad, #a1262b); color: #fff; }
  .copy-row { display: flex; gap: .5rem; align-items: flex-end; margin: 0 0 .75rem; }
  .copy-row .field { flex: 1 1 auto; margin: 0; }
  .on { color: var(--gl-ok, #1d6b35); font-weight: 600; }
  .off { color: var(--gl-bad, #a1262b); font-weight: 600; }
  ul.plain { list-style: none; margin: 0; padding: 0; }
  .inline-form { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: flex-end; margin-top: .5rem; }
  .inline-form input { width: 12rem; }
  .progress-form { margin-top: .75rem; min-width: 14rem; }
  .progress-form label { font-weight: 600; }
  .inline-form select { width: auto; }
  dialog { max-width: min(36rem, calc(100vw - 2rem)); border: 2px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: 1rem 1.25rem; color: var(--gl-text, #1a1a1a); background: var(--gl-bg, #fff); }
  dialog::backdrop { background: rgb(0 0 0 / 55%); }
  dialog h2 { margin-top: 0; }
`;

export const adminStyles = [formStyles, own];
