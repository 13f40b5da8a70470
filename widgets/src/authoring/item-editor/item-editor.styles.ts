import { css } from 'lit';

export const itemEditorStyles = css`
  .layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.25rem; align-items: start; }
  @media (max-width: 48rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
  .preview { position: sticky; top: .5rem; }
  @media (max-width: 48rem) { .preview { position: static; } }
  ol.choices { list-style: none; margin: 0; padding: 0; }
  ol.choices > li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .5rem .75rem; margin: 0 0 .5rem; background: var(--gl-surface, #f5f6f8); }
  .choice-tools { display: flex; flex-wrap: wrap; gap: .35rem; margin-top: .35rem; align-items: center; }
  .choice-tools .check { margin-right: auto; }
  .chips { display: flex; flex-wrap: wrap; gap: .35rem; list-style: none; padding: 0; margin: .25rem 0 .5rem; }
  .chips li { display: inline-flex; align-items: center; gap: .25rem; border: 1px solid var(--gl-border, #8a8f98); border-radius: 999px; padding: 0 0 0 .6rem; background: var(--gl-surface, #f5f6f8); }
  .chips button { border-radius: 999px; }
  .std-list { max-height: 16rem; overflow-y: auto; border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .25rem .5rem; margin-top: .5rem; }
  .std-list .check { align-items: flex-start; }
  .code { font-weight: 600; }
  .accepted { display: flex; gap: .35rem; align-items: flex-end; margin-bottom: .35rem; }
  .accepted .field { flex: 1; margin: 0; }
  h2:focus { outline: none; }
  h2:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
`;
