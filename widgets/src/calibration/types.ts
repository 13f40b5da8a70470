// The calibration API's shapes as the widget reads them (docs/api.md, "Calibration"): type-only imports from the
// server, so nothing of the server reaches a bundle.
export type { CalibrationFlagView, CalibrationItemView, CalibrationReport } from '../../../server/adaptive/calibration.service.js';
import type { CalibrationReport } from '../../../server/adaptive/calibration.service.js';

export interface CalibrationAnswer { reports: CalibrationReport[]; canRun: boolean; stored?: number }
