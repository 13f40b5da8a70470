// Control styles every authoring component shares. Colours and sizes come from the theme's custom
// properties (server/static/theme.css), so an LMS theme can reach them through the shadow roots.
import { css } from 'lit';

export const formStyles = css`
  :host { display: block; font-family: var(--gl-font, system-ui, sans-serif); color: var(--gl-text, #1a1a1a); line-height: 1.5; }
  *, *::before, *::after { box-sizing: border-box; }
  h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
  h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
  p { margin: .5rem 0; }
  label, legend { font-weight: 600; }
  fieldset { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .5rem .75rem .75rem; margin: 0 0 1rem; min-width: 0; }
  legend { padding: 0 .25rem; }
  input, select, textarea, button { font: inherit; color: inherit; max-width: 100%; }
  input[type='text'], input[type='search'], input[type='number'], select, textarea {
    display: block; width: 100%; padding: .4rem .5rem; margin-top: .25rem;
    border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); background: var(--gl-bg, #fff);
  }
  textarea { min-height: 4.5rem; resize: vertical; }
  input[type='checkbox'], input[type='radio'] { width: 1.15rem; height: 1.15rem; margin: 0 .5rem 0 0; vertical-align: -.15rem; }
  [aria-invalid='true'] { border-color: var(--gl-bad, #a1262b); border-width: 2px; }
  .field { margin: 0 0 1rem; }
  .check { display: flex; align-items: flex-start; gap: .25rem; font-weight: 400; margin: .25rem 0; }
  .hint { color: var(--gl-muted, #4a4a4a); font-size: .9rem; font-weight: 400; margin: .25rem 0 0; }
  .field-error { color: var(--gl-bad, #a1262b); font-weight: 600; margin: .25rem 0 0; }
  .field-error::before { content: '⚠ '; }
  .row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
  .row > .field { flex: 1 1 10rem; }
  button { padding: .45rem .9rem; border-radius: var(--gl-radius, 6px); cursor: pointer; border: 1px solid var(--gl-accent, #1f5fbf);
    background: var(--gl-bg, #fff); color: var(--gl-accent, #1f5fbf); min-height: 2.25rem; }
  button.primary { background: var(--gl-accent, #1f5fbf); color: var(--gl-accent-text, #fff); }
  button.small { padding: .2rem .55rem; min-height: 2rem; font-size: .9rem; }
  button:disabled { cursor: not-allowed; border-color: var(--gl-border, #8a8f98); color: var(--gl-muted, #4a4a4a); background: var(--gl-surface, #f5f6f8); }
  :focus-visible { outline: 3px solid var(--gl-focus, #b3541e); outline-offset: 2px; }
  .summary { border: 2px solid var(--gl-bad, #a1262b); border-left-width: 6px; border-radius: var(--gl-radius, 6px); padding: .5rem 1rem; margin: 0 0 1rem; background: var(--gl-surface, #f5f6f8); }
  .summary h3 { margin-top: .25rem; }
  .summary a { color: var(--gl-bad, #a1262b); }
  .status { border-left: 6px solid var(--gl-ok, #1d6b35); padding: .25rem .75rem; margin: .5rem 0; background: var(--gl-surface, #f5f6f8); }
  .status:empty { display: none; }
  .badge { display: inline-block; border: 1px solid var(--gl-border, #8a8f98); border-radius: 999px; padding: 0 .5rem; font-size: .85rem; background: var(--gl-surface, #f5f6f8); }
  .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
  .vh { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--gl-border, #8a8f98); vertical-align: top; }
  .scroll { overflow-x: auto; max-width: 100%; }
  math { font-size: 1.05em; }
  img { max-width: 100%; height: auto; }
`;
