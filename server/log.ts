// One structured logger for the whole tool. Redaction is configured here, once, so no route can
// leak a student's name, email, answers or a token into the logs by logging a whole object.
import pino from 'pino';

export const REDACT_PATHS = [
  'name', 'given_name', 'family_name', 'email', 'userInfo', 'response', 'responses', 'value', 'answer',
  'id_token', 'ltik', 'token', 'access_token', 'client_assertion', 'authorization', 'password', 'secret',
  '*.name', '*.given_name', '*.family_name', '*.email', '*.userInfo', '*.response', '*.responses', '*.value', '*.answer',
  '*.id_token', '*.ltik', '*.token', '*.access_token', '*.client_assertion', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  // Request bodies carry answers; database errors echo the offending value (CastError.value,
  // ValidationError.errors.<path>.value, duplicate-key keyValue) into the logged `err`.
  'body', 'req.body', 'err.value', 'err.keyValue', 'err.errors.*.value', 'err.errors.*.properties.value',
];

/** `destination` is for tests that read what was logged; the tool logs to stdout. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream) {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = ReturnType<typeof createLogger>;
export const log: Logger = createLogger();
