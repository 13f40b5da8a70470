// The admin page's sections, defined on import.
export { GlAdminConfirmDialog } from './confirm-dialog/confirm-dialog.js';
export { GlAdminConnect } from './connect-lms/connect-lms.js';
export { GlAdminPlatforms } from './platforms/platforms.js';
export { GlAdminPlatformForm } from './platform-form/platform-form.js';
export { GlAdminSigningKeys } from './signing-keys/signing-keys.js';
export { GlAdminStudentData } from './student-data/student-data.js';
