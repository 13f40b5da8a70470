// The shapes the content domain hands to other domains and to the browser (see docs/api.md, Content).
// Staff see ItemView (keys included); students only ever see StudentItem, which has no key, rationale
// or correctness, so delivery cannot leak one by passing an item through.
import type { BlueprintEntry, FormItem, StandardBalance } from './forms.js';
import type { InteractionType, Item } from './item.schema.js';

export type ContentOwner = 'starter' | 'course' | 'tenant';

export interface ItemView extends Item {
  owner: ContentOwner;
  /** False for starter items: they are read-only; copy one into a new item to change it. */
  editable: boolean;
  html: { stem: string; choices?: Record<string, string> };
}

export interface StudentItem {
  position: number;
  itemId: string;
  version: number;
  type: InteractionType;
  stemHtml: string;
  choices?: { id: string; html: string }[];
  unit?: string;
  expectedLength?: number;
}

export type AssessmentKind = 'diagnostic' | 'pre' | 'post';

export interface AssessmentSettings {
  attemptsAllowed: number;
  timeLimitMinutes: number | null;
  showCorrectAnswers: boolean;
  /** Absent means 'fixed'. An adaptive test routes per standard between modules (docs/adaptive.md). */
  mode?: 'fixed' | 'adaptive';
  adaptive?: AdaptiveSettings;
}

/** Routing bounds on P(mastery) and item limits per standard; null = the multistage core's default. */
export interface AdaptiveSettings {
  upper: number;
  lower: number;
  maxItemsPerStandard: number | null;
  minItemsPerStandard: number | null;
}

export interface AssessmentSummary {
  id: string;
  title: string;
  grade: string;
  kind: AssessmentKind;
  pairedWith?: string;
  standards: string[];
  itemCount: number;
  owner: ContentOwner;
}

export interface AssessmentForm {
  id: string;
  items: FormItem[];
}

export interface AssessmentDetail extends AssessmentSummary {
  blueprint: BlueprintEntry[];
  settings: AssessmentSettings;
  forms: AssessmentForm[];
  /** Adaptive assessments: every item the module plan may use (pinned versions), each for one blueprint standard. */
  adaptivePool?: FormItem[];
  /** Per standard, each form's mean difficulty (for a pre/post pair: [pre, post]) and the largest gap. */
  difficulty: StandardBalance[];
}

/** Who is asking: a tenant, and a course when the request comes from a launch. */
export interface ContentScope {
  tenantId: string;
  courseId: string;
  userId?: string;
}
