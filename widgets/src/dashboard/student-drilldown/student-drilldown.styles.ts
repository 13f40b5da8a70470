import { css } from 'lit';

export const drilldownStyles = css`
  h2:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  ul.mastery li { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .25rem 0; }
  ul.mastery .code { font-weight: 700; min-width: 6rem; }
  td, th { white-space: normal; }
  th .title { font-weight: 400; }
`;
