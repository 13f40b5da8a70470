// The roll-up's own styles: the level distribution as a stacked bar beside its words (the bar is decoration; the
// words carry the numbers), with the same level tints as the mastery map so an LMS theme can restyle both.
import { css } from 'lit';

export const districtRollupStyles = css`
  .controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .5rem 0 1rem; }
  fieldset.by { border: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
  fieldset.by legend { font-weight: 600; float: left; margin-right: .5rem; }
  .dist { display: flex; flex-direction: column; gap: .25rem; min-width: 12rem; }
  .dist ul { display: flex; flex-wrap: wrap; gap: .15rem .75rem; }
  .bar { display: flex; height: .75rem; border: 1px solid var(--gl-border, #8a8f98); border-radius: 2px; overflow: hidden; max-width: 16rem; }
  .bar span { display: block; height: 100%; }
  .bar .beginning { background: var(--gl-bar-beginning, #a1262b); }
  .bar .developing { background: var(--gl-bar-developing, #c98a00); }
  .bar .proficient { background: var(--gl-bar-proficient, #1f5fbf); }
  .bar .mastered { background: var(--gl-bar-mastered, #1d6b35); }
  .suppressed { font-style: italic; color: var(--gl-muted, #4a4a4a); }
  details { margin: .25rem 0; }
  summary { cursor: pointer; padding: .25rem 0; }
  summary:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  .desc { display: block; font-weight: normal; color: var(--gl-muted, #4a4a4a); max-width: 28rem; }
`;
