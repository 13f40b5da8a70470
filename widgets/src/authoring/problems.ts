// Turns a failed API call into what a form can show: a general message and per-field messages
// (problem+json `errors`), plus assembly problems when the server names them.
import { ApiError } from '../shared/api.js';

export interface FieldProblem { field: string; message: string }

export interface ProblemSummary {
  message: string;
  fields: FieldProblem[];
  /** Other plain-words reasons the server gave (e.g. why forms could not be assembled). */
  reasons: string[];
}

function asList(v: unknown): unknown[] { return Array.isArray(v) ? v : []; }

export function summarizeProblem(err: unknown): ProblemSummary {
  if (!(err instanceof ApiError)) return { message: err instanceof Error ? err.message : String(err), fields: [], reasons: [] };
  const body = (err.body ?? {}) as { errors?: unknown; problems?: unknown };
  const fields = asList(body.errors).flatMap((e) => {
    const p = e as { field?: unknown; message?: unknown };
    return typeof p.message === 'string' ? [{ field: typeof p.field === 'string' ? p.field : '', message: p.message }] : [];
  });
  const reasons = asList(body.problems).flatMap((e) => {
    if (typeof e === 'string') return [e];
    const p = e as { reason?: unknown; message?: unknown };
    const text = typeof p.reason === 'string' ? p.reason : typeof p.message === 'string' ? p.message : undefined;
    return text ? [text] : [];
  });
  return { message: err.message, fields, reasons };
}
