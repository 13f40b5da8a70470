// The Delivery API's shapes as the student's browser sees them (docs/api.md, "Delivery").
// ResponseValue comes from the server's schema (type-only import: nothing of zod reaches the bundle).
import type { ResponseValue } from '../../../server/content/item.schema.js';

export type { ResponseValue };
export type InteractionType = ResponseValue['type'];

export type { StudentItem } from '../../../server/content/content.types.js';
import type { StudentItem } from '../../../server/content/content.types.js';

export interface StoredResponse { value: ResponseValue; seq: number }

export interface AttemptView {
  id: string;
  status: 'in-progress' | 'submitted';
  preview: boolean;
  assessment: { id: string; title: string };
  items: StudentItem[];
  responses: Record<string, StoredResponse>;
  flags: number[];
  startedAt: string;
  deadline: string | null;
  serverTime: string;
  readAloud: boolean;
  /** Adaptive tests: the open part; `items` are its questions. */
  adaptive?: { part: number; maxParts: number };
}

export type MasteryLevel = 'not-yet' | 'almost' | 'got-it';

export interface ResultView {
  attemptId: string;
  score: number;
  maxScore: number;
  percent: number;
  submittedAt: string;
  standards: { code: string; description: string; correct: number; total: number; level: MasteryLevel; nextStep: string }[];
  items?: { position: number; correct: boolean; response: ResponseValue | null; correctAnswer: unknown; explanation?: string }[];
  /** The one ability scale (fixed and adaptive tests). */
  scale?: { score: number; se: number; range: [number, number]; standards: { code: string; pMastery: number }[] };
  /** Adaptive tests: the score counts skills mastered; how many parts and questions were given. */
  adaptive?: { parts: number; items: number };
}

/** What finishing a part of an adaptive test gives: the next part, or the results when the test is over. */
export type PartOutcome = { attempt: AttemptView; results?: undefined } | { results: ResultView; attempt?: undefined };

/** Detail of `gl-answer`: `commit` false while the student is still typing (send after a pause). */
export interface AnswerDetail { value: ResponseValue; commit: boolean }

/** True when a response says something (an empty text box or no choice is not an answer). */
export function isAnswered(value: ResponseValue | undefined): boolean {
  if (!value) return false;
  switch (value.type) {
    case 'single': return value.choice !== null;
    case 'multiple': return value.choices.length > 0;
    case 'numeric': case 'text': return value.text.trim() !== '';
    case 'order': return value.order.length > 0;
  }
}
