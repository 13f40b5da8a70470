import { css } from 'lit';

export const itemBankStyles = css`
  .filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem .75rem; align-items: end; }
  .filters .field { margin: 0; }
  .filters .search { grid-column: 1 / -1; display: flex; gap: .5rem; align-items: flex-end; }
  .filters .search .field { flex: 1; }
  .head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; }
  ul.items { list-style: none; margin: 0; padding: 0; }
  ul.items > li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .75rem 1rem; margin: 0 0 .75rem; background: var(--gl-bg, #fff); }
  .stem { overflow-wrap: anywhere; }
  dl.meta { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: .5rem 0; font-size: .9rem; }
  dl.meta div { display: flex; gap: .35rem; }
  dl.meta dt { font-weight: 600; }
  dl.meta dd { margin: 0; }
  nav.pager { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: center; margin: 1rem 0; }
`;
