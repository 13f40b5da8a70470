import { css } from 'lit';

export const growthStyles = css`
  ul.sentences { margin: .25rem 0 1rem; padding-left: 1.25rem; }
  ul.sentences li { margin: .2rem 0; }
  table { margin: 0 0 1rem; }
  td .pair { display: inline-flex; flex-wrap: wrap; gap: .25rem; align-items: center; }
  .detail { display: block; font-size: .9rem; color: var(--gl-muted, #4a4a4a); }
`;
