// The dashboard components, defined on import: the teacher dashboard and its parts, and the student's progress.
export { GlDashboard } from './dashboard/dashboard.js';
export { GlCompletion } from './completion/completion.js';
export { GlMasteryMap } from './mastery-map/mastery-map.js';
export { GlGrowth } from './growth/growth.js';
export { GlItemAnalysis } from './item-analysis/item-analysis.js';
export { GlStudentDrilldown } from './student-drilldown/student-drilldown.js';
export { GlGroups } from './groups/groups.js';
export { GlCsvDownload } from './csv-download/csv-download.js';
export { GlGradebookSettings } from './gradebook-settings/gradebook-settings.js';
export { GlMyProgress } from './my-progress/my-progress.js';
export { GlDistrictRollup } from './district-rollup/district-rollup.js';
