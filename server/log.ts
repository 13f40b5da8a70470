// One structured logger for the whole tool. Redaction is configured here, once, so no route can
// leak a student's name, email, answers or a token into the logs by logging a whole object.
import pino from 'pino';

export const REDACT_PATHS = [
  'name', 'given_name', 'family_name', 'email', 'userInfo', 'response', 'responses', 'value', 'answer',
  'id_token', 'ltik', 'token', 'access_token', 'client_assertion', 'authorization', 'password', 'secret',
  '*.name', '*.given_name', '*.family_name', '*.email', '*.userInfo', '*.response', '*.responses', '*.value', '*.answer',
  '*.id_token', '*.ltik', '*.token', '*.access_token', '*.client_assertion', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined });
}

export type Logger = ReturnType<typeof createLogger>;
export const log: Logger = createLogger();
