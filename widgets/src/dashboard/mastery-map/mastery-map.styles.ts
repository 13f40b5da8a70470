import { css } from 'lit';

export const masteryMapStyles = css`
  .toolbar { display: flex; flex-wrap: wrap; gap: .5rem; margin: .25rem 0 .5rem; }
  .toolbar button[aria-pressed='true'] { background: var(--gl-accent, #1f5fbf); color: var(--gl-accent-text, #fff); font-weight: 700; }
  .legend { display: flex; flex-wrap: wrap; gap: .5rem; margin: .25rem 0 .5rem; }
  table { width: auto; min-width: 100%; }
  th, td { white-space: nowrap; }
  table.grid td { border: 2px solid var(--gl-bg, #fff); }
  table.numbers td { vertical-align: top; }
  .detail { display: block; font-size: .9rem; color: var(--gl-muted, #4a4a4a); }
  .level-word { font-weight: 600; }
  button.sort { white-space: nowrap; }
  dl.standards { margin: 0; display: grid; gap: .25rem; }
  dl.standards div { display: flex; gap: .5rem; }
  dl.standards dt { font-weight: 700; flex: none; min-width: 6rem; }
  dl.standards dd { margin: 0; }
`;
