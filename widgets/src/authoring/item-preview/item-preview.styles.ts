import { css } from 'lit';

export const itemPreviewStyles = css`
  .paper { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .75rem 1rem; background: var(--gl-bg, #fff); }
  .stem { margin-bottom: .75rem; overflow-wrap: anywhere; }
  .choice { display: flex; align-items: flex-start; gap: .25rem; font-weight: 400; margin: .35rem 0; }
  .choice > span { overflow-wrap: anywhere; }
  ol.order li { margin: .25rem 0; padding: .25rem .5rem; border: 1px dashed var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); }
  .answer { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
  .answer input { width: auto; max-width: 100%; display: inline-block; }
  .problems { margin-top: .75rem; }
  .problems ul { margin: .25rem 0; padding-left: 1.25rem; }
  .ok::before { content: '✓ '; }
  [aria-busy='true'] .paper { opacity: .7; }
`;
