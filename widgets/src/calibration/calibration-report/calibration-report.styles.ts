import { css } from 'lit';

export const calibrationReportStyles = css`
  .scroll { overflow-x: auto; max-width: 100%; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid var(--gl-border, #8a8f98); padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th[scope='col'] button { border: none; background: none; padding: 0; min-height: 0; font: inherit; font-weight: 700; color: var(--gl-accent, #1f5fbf);
    text-decoration: underline; text-underline-offset: .15rem; text-align: inherit; cursor: pointer; }
  th[scope='col'] button:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); outline-offset: 2px; }
  tr.flagged th[scope='row'] { border-left: 4px solid var(--gl-warn, #8a5a00); padding-left: .5rem; }
  .flag { color: var(--gl-bad, #a1262b); font-weight: 600; }
  .flags { margin: 0; padding-left: 1.1rem; }
  .id { display: block; font-size: .85em; color: var(--gl-muted, #4a4a4a); }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: .5rem 0 1rem; }
`;
