// The item-quality (calibration) components, defined on import.
export { GlCalibrationReport } from './calibration-report/calibration-report.js';
