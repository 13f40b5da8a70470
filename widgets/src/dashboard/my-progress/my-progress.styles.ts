import { css } from 'lit';

export const myProgressStyles = css`
  .title { font-weight: 700; margin: 1rem 0 .5rem; }
  .title.h2 { font-size: 1.25rem; }
  .title.h3 { font-size: 1.1rem; }
  .title.h4, .title.h5, .title.h6 { font-size: 1rem; }
  .title:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  ul.skills { display: grid; gap: .75rem; }
  ul.skills > li { border: 1px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .5rem .75rem; }
  ul.skills .title { margin: 0 0 .25rem; }
  ul.skills .code { font-weight: 700; }
  table { margin: .75rem 0; }
`;
