import { css } from 'lit';

export const itemAnalysisStyles = css`
  ol.items > li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .5rem .75rem; margin: 0 0 .75rem; }
  ol.items h3 { margin-top: .25rem; }
  .bar { height: .6rem; background: var(--gl-surface, #f5f6f8); border: 1px solid var(--gl-border, #8a8f98); border-radius: 999px; overflow: hidden; max-width: 24rem; margin: .25rem 0 .5rem; }
  .bar span { display: block; height: 100%; background: var(--gl-ok, #1d6b35); }
  tr.key th { font-weight: 700; }
`;
