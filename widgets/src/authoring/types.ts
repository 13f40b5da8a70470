// The Content API's shapes as the authoring widgets see them (docs/api.md). Item drafts reuse the
// server's own schema types, so the editor cannot drift from what the server accepts.
import type { InteractionType, Item, ItemInput } from '../../../server/content/item.schema.js';

export type { InteractionType, Item, ItemInput };

/** What POST/PUT /api/items and POST /api/items/preview take. */
export type ItemDraft = Omit<ItemInput, 'id' | 'version'> & { id?: string; shared?: boolean };

export interface StandardView {
  framework: string;
  code: string;
  grade: string;
  description: string;
  parent?: string;
  kind: 'domain' | 'cluster' | 'standard';
}

export type { ItemView, StudentItem } from '../../../server/content/content.types.js';
import type { ContentOwner, StudentItem } from '../../../server/content/content.types.js';
export type ItemOwner = ContentOwner;

export interface PreviewAnswer { item: StudentItem; problems: string[] }

export type AssessmentKind = 'diagnostic' | 'pre' | 'post';

export interface AssessmentSummary {
  id: string;
  title: string;
  grade: string;
  kind: AssessmentKind;
  pairedWith?: string;
  standards: string[];
  itemCount: number;
  owner: ItemOwner;
}

export interface AssessmentSettings { attemptsAllowed: number; timeLimitMinutes: number | null; showCorrectAnswers: boolean; mode?: 'fixed' | 'adaptive' }

export interface DifficultyRow { standard: string; meanByForm: (number | null)[]; maxGap: number }

export interface AssessmentDetail extends AssessmentSummary {
  blueprint: { standard: string; items: number }[];
  settings: AssessmentSettings;
  forms: { id: string; items: { id: string; version: number; standard: string }[] }[];
  difficulty: DifficultyRow[];
}

export interface NewAssessment {
  title: string;
  grade: string;
  kind: 'diagnostic' | 'pre-post';
  blueprint: { standard: string; items: number }[];
  settings?: Partial<AssessmentSettings>;
}

export interface DeepLinkingAnswer { returnUrl: string; jwt: string }
