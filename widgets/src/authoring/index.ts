// The authoring components, defined on import: item bank, item editor (with its preview),
// assessment builder and assessment list.
export { GlItemBank } from './item-bank/item-bank.js';
export { GlItemEditor } from './item-editor/item-editor.js';
export { GlItemPreview } from './item-preview/item-preview.js';
export { GlAssessmentBuilder } from './assessment-builder/assessment-builder.js';
export { GlAssessmentList } from './assessment-list/assessment-list.js';
export { postToLms } from './deep-link-return.js';
