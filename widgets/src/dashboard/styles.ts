// Styles the dashboard components share on top of the authoring controls: sections, tables that scroll inside a
// narrow LMS frame, and the level badges — a colour AND a symbol AND a word, so no one depends on colour alone.
// Every colour is a theme custom property (server/static/theme.css), with the level tints overridable too.
import { css } from 'lit';
import { formStyles } from '../authoring/styles.js';

const own = css`
  section { margin: 0 0 1.5rem; }
  h2 { font-size: 1.25rem; margin: 1.25rem 0 .5rem; }
  h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th[scope='col'] { vertical-align: bottom; }
  th[scope='row'] { font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .scroll:focus-visible { outline: 3px solid var(--gl-focus, #b3541e); }
  .muted { color: var(--gl-muted, #4a4a4a); }
  .note { border-left: 4px solid var(--gl-warn, #8a5a00); padding: .25rem .75rem; background: var(--gl-surface, #f5f6f8); }
  .error { border-left: 4px solid var(--gl-bad, #a1262b); padding: .25rem .75rem; background: var(--gl-surface, #f5f6f8); }
  .linklike { border: none; background: none; padding: 0; min-height: 0; color: var(--gl-accent, #1f5fbf); text-decoration: underline; text-underline-offset: .15rem; font-weight: inherit; text-align: left; }
  ul.plain, ol.plain { list-style: none; margin: 0; padding: 0; }
  .level {
    display: inline-flex; gap: .3rem; align-items: center; white-space: nowrap; font-weight: 600; color: var(--gl-text, #1a1a1a);
    padding: .05rem .5rem; border-radius: 999px; border: 2px solid var(--gl-border, #8a8f98);
  }
  .beginning { background: var(--gl-level-beginning, #fbe3e4); }
  .developing { background: var(--gl-level-developing, #fdf0d5); }
  .proficient { background: var(--gl-level-proficient, #dce9fb); }
  .mastered { background: var(--gl-level-mastered, #d9f0df); }
  .level.beginning { border-color: var(--gl-bad, #a1262b); border-style: dotted; }
  .level.developing { border-color: var(--gl-warn, #8a5a00); border-style: dashed; }
  .level.proficient { border-color: var(--gl-accent, #1f5fbf); }
  .level.mastered { border-color: var(--gl-ok, #1d6b35); border-style: double; border-width: 4px; }
  .level.none { background: var(--gl-bg, #fff); color: var(--gl-muted, #4a4a4a); }
  .good { color: var(--gl-ok, #1d6b35); font-weight: 600; }
  .bad { color: var(--gl-bad, #a1262b); font-weight: 600; }
`;

export const dashboardStyles = [formStyles, own];
