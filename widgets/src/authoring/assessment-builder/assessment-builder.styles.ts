import { css } from 'lit';

export const assessmentBuilderStyles = css`
  ol.rows { list-style: none; margin: 0; padding: 0; }
  ol.rows > li { display: flex; flex-wrap: wrap; gap: .5rem .75rem; align-items: flex-end; border-bottom: 1px solid var(--gl-border, #8a8f98); padding: .5rem 0; }
  ol.rows .std { flex: 3 1 14rem; margin: 0; }
  ol.rows .count { flex: 1 1 7rem; margin: 0; }
  .report { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .75rem 1rem; margin-top: 1rem; }
  .report h2:first-child { margin-top: 0; }
  .balanced::before { content: '✓ '; }
  .uneven { color: var(--gl-warn, #8a5a00); font-weight: 600; }
  .uneven::before { content: '⚠ '; }
  .created li { margin: .25rem 0; }
  .plan-notes { border-left: 4px solid var(--gl-warn, #8a5a00); padding: .25rem .75rem; margin: .75rem 0; }
  .plan-notes h3 { margin: .25rem 0; color: var(--gl-warn, #8a5a00); }
`;
