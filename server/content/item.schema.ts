// The shape of standards and items, as stored, imported and exchanged.
// One zod schema per concept; TypeScript types are derived from them, never written twice.
// Answer keys live in `key` (and rationales in `feedback`) so `studentView` can drop them in one place.
import { z } from 'zod';

/**
 * Rich text: plain text with a small inline markup, rendered to sanitized HTML on the server.
 *   **bold**, _italic_, `\( TeX \)` inline math (rendered to MathML), `![alt text](src)` images
 *   (alt text required), blank line = new paragraph.
 */
export const RichText = z.string().min(1, 'text must not be empty').max(4000, 'text is longer than 4000 characters');

export const StandardSchema = z.object({
  framework: z.string().min(1).max(80),           // e.g. "CCSS.Math"
  code: z.string().min(1).max(40),                // e.g. "6.RP.A.1", "HSA-SSE.A.1"
  caseId: z.string().max(200).optional(),         // CASE CFItem identifier (GUID or URI)
  grade: z.string().min(1).max(20),               // "6", "7", "8", "A1" (Algebra I), …
  description: z.string().min(1).max(600),
  parent: z.string().max(40).optional(),          // code of the cluster/domain this belongs to
  kind: z.enum(['domain', 'cluster', 'standard']).default('standard'),
});
export type Standard = z.infer<typeof StandardSchema>;

const choiceId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'choice ids are 1–32 letters, digits, _ or -');
export const ChoiceSchema = z.object({ id: choiceId, content: RichText });
export type Choice = z.infer<typeof ChoiceSchema>;

const uniqueChoices = (choices: { id: string }[]) => new Set(choices.map((c) => c.id)).size === choices.length;

export const SingleChoiceSchema = z.object({
  type: z.literal('single'),
  choices: z.array(ChoiceSchema).min(2).max(10).refine(uniqueChoices, 'choice ids must be unique'),
  shuffle: z.boolean().default(false),
  key: z.object({ correct: choiceId }),
});

export const MultipleSelectSchema = z.object({
  type: z.literal('multiple'),
  choices: z.array(ChoiceSchema).min(2).max(10).refine(uniqueChoices, 'choice ids must be unique'),
  shuffle: z.boolean().default(false),
  key: z.object({
    correct: z.array(choiceId).min(1),
    // partial credit: (right picks − wrong picks) / number correct, floored at 0
    partialCredit: z.boolean().default(false),
  }),
});

export const NumericEntrySchema = z.object({
  type: z.literal('numeric'),
  unit: z.string().max(20).optional(),               // shown after the input, e.g. "cm"
  key: z.object({
    value: z.number().finite(),
    tolerance: z.number().min(0).default(0),         // absolute
    allowFractions: z.boolean().default(false),      // accept "1/2" and mixed numbers like "1 1/2"
  }),
});

export const ShortTextSchema = z.object({
  type: z.literal('text'),
  expectedLength: z.number().int().min(1).max(200).default(20),
  key: z.object({
    accepted: z.array(z.string().min(1).max(200)).min(1),
    caseSensitive: z.boolean().default(false),
  }),
});

export const OrderingSchema = z.object({
  type: z.literal('order'),
  choices: z.array(ChoiceSchema).min(2).max(10).refine(uniqueChoices, 'choice ids must be unique'),
  key: z.object({ correctOrder: z.array(choiceId).min(2) }),
});

export const InteractionSchema = z.discriminatedUnion('type', [
  SingleChoiceSchema,
  MultipleSelectSchema,
  NumericEntrySchema,
  ShortTextSchema,
  OrderingSchema,
]);
export type Interaction = z.infer<typeof InteractionSchema>;
export type InteractionType = Interaction['type'];

export const ItemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,80}$/, 'item ids are 3–81 lowercase letters, digits, ".", "_" or "-"'),
    version: z.number().int().min(1).default(1),
    framework: z.string().min(1).max(80).default('CCSS.Math'),
    standards: z.array(z.string().min(1).max(40)).min(1, 'an item measures at least one standard'),
    // Rasch difficulty in logits: about −3 (very easy) … +3 (very hard); 0 is average for the grade.
    difficulty: z.number().min(-5).max(5),
    stem: RichText,
    interaction: InteractionSchema,
    feedback: z
      .object({
        // Shown after submission (when the assessment allows): why the answer is right.
        explanation: z.string().min(1).max(2000),
        // Per distractor: the misconception that choice catches. Keyed by choice id.
        choices: z.record(z.string(), z.string().min(1).max(600)).default({}),
      }),
  })
  .superRefine((item, ctx) => {
    const i = item.interaction;
    if (i.type === 'single' && !i.choices.some((c) => c.id === i.key.correct)) {
      ctx.addIssue({ code: 'custom', path: ['interaction', 'key', 'correct'], message: `key "${i.key.correct}" is not one of the choices` });
    }
    if (i.type === 'multiple') {
      for (const k of i.key.correct) {
        if (!i.choices.some((c) => c.id === k)) ctx.addIssue({ code: 'custom', path: ['interaction', 'key', 'correct'], message: `key "${k}" is not one of the choices` });
      }
      if (new Set(i.key.correct).size !== i.key.correct.length) ctx.addIssue({ code: 'custom', path: ['interaction', 'key', 'correct'], message: 'key lists a choice twice' });
    }
    if (i.type === 'order') {
      const ids = i.choices.map((c) => c.id).sort().join(',');
      if ([...i.key.correctOrder].sort().join(',') !== ids) {
        ctx.addIssue({ code: 'custom', path: ['interaction', 'key', 'correctOrder'], message: 'correct order must list every choice exactly once' });
      }
    }
    if (i.type === 'single' || i.type === 'multiple') {
      for (const id of Object.keys(item.feedback.choices)) {
        if (!i.choices.some((c) => c.id === id)) ctx.addIssue({ code: 'custom', path: ['feedback', 'choices', id], message: `feedback for unknown choice "${id}"` });
      }
    }
  });
export type Item = z.infer<typeof ItemSchema>;
export type ItemInput = z.input<typeof ItemSchema>;

/** A response as the student's browser sends it, per interaction type. */
export const ResponseValueSchema = z.union([
  z.object({ type: z.literal('single'), choice: z.string().max(32).nullable() }),
  z.object({ type: z.literal('multiple'), choices: z.array(z.string().max(32)).max(10) }),
  z.object({ type: z.literal('numeric'), text: z.string().max(40) }),
  z.object({ type: z.literal('text'), text: z.string().max(200) }),
  z.object({ type: z.literal('order'), order: z.array(z.string().max(32)).max(10) }),
]);
export type ResponseValue = z.infer<typeof ResponseValueSchema>;
