import { css } from 'lit';

export const assessmentListStyles = css`
  .filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem .75rem; margin-bottom: .5rem; }
  .filters .field { margin: 0; }
  ul.list { list-style: none; margin: 0; padding: 0; }
  ul.list > li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); margin: 0 0 .5rem; background: var(--gl-bg, #fff); }
  ul.list > li.selected { border-width: 3px; border-color: var(--gl-accent, #1f5fbf); }
  ul.list label { display: flex; gap: .5rem; align-items: flex-start; padding: .6rem .75rem; cursor: pointer; font-weight: 400; }
  ul.list label input { margin-top: .2rem; flex: none; }
  .title { font-weight: 600; display: block; }
  .meta { display: block; font-size: .9rem; color: var(--gl-muted, #4a4a4a); overflow-wrap: anywhere; }
  .picked { font-weight: 600; }
`;
