// Styles every test-taking component shares (shadow roots do not inherit selectors): focus ring,
// buttons, visually hidden text, choice rows, and rich content (MathML, images) that must fit a
// 320 px wide frame at 200 % zoom. Colours and sizes are theme custom properties (server/static/theme.css).
import { css } from 'lit';

export const sharedStyles = css`
  :host { display: block; color: var(--gl-text, #1a1a1a); font-family: var(--gl-font, system-ui, sans-serif); line-height: 1.5; overflow-wrap: anywhere; }
  :focus-visible { outline: 3px solid var(--gl-focus, #b3541e); outline-offset: 2px; }
  [hidden] { display: none !important; }
  .vh { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  button {
    font: inherit; min-height: 2.75rem; padding: .5rem 1rem; border-radius: var(--gl-radius, 6px); cursor: pointer;
    border: 2px solid var(--gl-accent, #1f5fbf); background: var(--gl-bg, #fff); color: var(--gl-accent, #1f5fbf);
  }
  button.primary { background: var(--gl-accent, #1f5fbf); color: var(--gl-accent-text, #fff); }
  button[aria-pressed='true'] { background: var(--gl-surface, #f5f6f8); color: var(--gl-text, #1a1a1a); border-style: double; border-width: 4px; }
  button:disabled { cursor: not-allowed; border-color: var(--gl-border, #8a8f98); color: var(--gl-muted, #4a4a4a); background: var(--gl-surface, #f5f6f8); }
  .rich img { max-width: 100%; height: auto; }
  /* Full-size fractions (math-style: normal): inline MathML would shrink them below readable size. */
  .rich math { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: middle; math-style: normal; font-size: 1.05em; }
  .rich p { margin: 0 0 .5rem; }
  .rich p:last-child { margin-bottom: 0; }
  fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
  legend { padding: 0; margin-bottom: 1rem; font-size: 1.125rem; width: 100%; }
  .choices { display: grid; gap: .5rem; margin: 0; padding: 0; list-style: none; }
  .choice {
    display: flex; gap: .75rem; align-items: flex-start; min-height: 2.75rem; box-sizing: border-box; padding: .625rem .75rem; cursor: pointer;
    border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); background: var(--gl-bg, #fff);
  }
  .choice:has(input:checked) { border: 3px solid var(--gl-accent, #1f5fbf); padding: calc(.625rem - 2px) calc(.75rem - 2px); background: var(--gl-surface, #f5f6f8); }
  .choice input { width: 1.25rem; height: 1.25rem; margin: .125rem 0 0; flex: none; accent-color: var(--gl-accent, #1f5fbf); }
  .choice:focus-within { outline: 3px solid var(--gl-focus, #b3541e); outline-offset: 2px; }
  .choice input:focus-visible { outline: none; }
  .letter { font-weight: 700; flex: none; }
  .icon { width: 1.1em; height: 1.1em; vertical-align: -.15em; fill: currentColor; }
  .hint { color: var(--gl-muted, #4a4a4a); margin: 0 0 .75rem; }
  input[type='text'] {
    font: inherit; padding: .5rem .625rem; min-height: 2.75rem; box-sizing: border-box; max-width: 100%;
    border: 2px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); background: var(--gl-bg, #fff); color: inherit;
  }
  input[type='text']:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); border-color: var(--gl-text, #1a1a1a); }
`;
