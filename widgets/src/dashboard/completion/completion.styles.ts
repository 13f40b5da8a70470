import { css } from 'lit';

export const completionStyles = css`
  .students li { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .4rem .5rem; border-bottom: 1px solid var(--gl-border, #8a8f98); }
  .students .name { flex: 1 1 12rem; font-weight: 600; }
  .students .status { flex: 1 1 14rem; }
  .submitted .status { color: var(--gl-ok, #1d6b35); }
  .in-progress .status { color: var(--gl-warn, #8a5a00); }
  .not-started .status { color: var(--gl-muted, #4a4a4a); }
`;
