import { css } from 'lit';

export const dashboardPageStyles = css`
  .head { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; justify-content: space-between; }
  .head h2 { margin-top: .5rem; }
  h2[tabindex='-1']:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  gl-completion, gl-mastery-map, gl-growth, gl-groups, gl-item-analysis, gl-csv-download { display: block; margin: 0 0 1.5rem; }
`;
