// Puts the API's problem details (problem+json `errors: [{ field, message }]`) next to the form fields they
// name: "deploymentIds.2" belongs to the deployment ids box; what names no field of the form stays general.
import type { FieldProblem } from '../authoring/problems.js';

export interface FormErrors {
  /** The first message for each field of the form, by field name. */
  byField: Record<string, string>;
  /** Messages that belong to no field of the form (shown in the summary only). */
  general: string[];
}

/**
 * `item` words a problem about one entry of a list field ("frameOrigins.1") so the person sees which line is
 * wrong; without it, or when it returns undefined, the message is shown as it came.
 */
export function formErrors(
  message: string, fields: FieldProblem[], formFields: readonly string[],
  item?: (field: string, index: number, message: string) => string | undefined,
): FormErrors {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const p of fields) {
    const [name = '', index] = p.field.split('.');
    const worded = index !== undefined && /^\d+$/.test(index) ? item?.(name, Number(index), p.message) ?? p.message : p.message;
    if (formFields.includes(name)) byField[name] ??= worded;
    else general.push(p.field && p.field !== '(root)' ? `${p.field}: ${p.message}` : p.message);
  }
  if (!Object.keys(byField).length && !general.length) general.push(message);
  return { byField, general };
}
