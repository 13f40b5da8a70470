import { css } from 'lit';

export const groupsStyles = css`
  .narrow { max-width: 12rem; margin: .5rem 0 0; }
  ol.groups { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
  li.group { border: 2px solid var(--gl-border, #8a8f98); border-radius: var(--gl-radius, 6px); padding: .5rem .75rem; background: var(--gl-bg, #fff); }
  li.group h3 { margin-top: .25rem; }
  li.group ul { margin: .25rem 0 .5rem; padding-left: 1.25rem; }
  ul.members { padding-left: 0 !important; }
  ul.members li { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .75rem; padding: .3rem 0; border-top: 1px solid var(--gl-border, #8a8f98); }
  ul.members .name { font-weight: 600; flex: 1 1 8rem; }
  ul.members .needs { flex: 1 1 10rem; }
  select.move { width: auto; display: inline-block; margin: 0; }
  h3[tabindex='-1']:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
`;
