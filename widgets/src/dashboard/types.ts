// The dashboard API's shapes as the widgets read them (docs/api.md, "Mastery & dashboard"). Shapes the
// server already declares come from there (type-only imports: nothing of the server reaches a bundle).
export type { Level } from '../../../server/mastery/model.js';
export type { GainSummary, Maybe, NotGrowingReason } from '../../../server/mastery/growth.js';
export type { ChoiceStat, ItemStat } from '../../../server/mastery/item-analysis.js';
export type { CompletionRow, CompletionStatus, MasteryRow, StandardRef, StudentRef } from '../../../server/mastery/dashboard.service.js';
export type { MasteryCellView as MasteryCell } from '../../../server/mastery/dashboard.service.js';
export type { GroupView as Group, GroupsView, MyMasteryView } from '../../../server/mastery/dashboard.service.js';
export type { PracticeItem } from '../../../server/mastery/groups.js';
import type { Level } from '../../../server/mastery/model.js';
import type { GainSummary, NotGrowingReason } from '../../../server/mastery/growth.js';
import type { CompletionRow, CompletionStatus, GroupsView, MasteryCellView as MasteryCell, MasteryRow, StandardRef, StudentRef } from '../../../server/mastery/dashboard.service.js';
import type { ItemStat } from '../../../server/mastery/item-analysis.js';

export interface StudentStandardGrowth {
  code: string;
  pre: { score: number; level: Level };
  post: { score: number; level: Level };
  change: number;
  levelChange: number;
}
export interface StudentGrowth {
  personId: string;
  displayName: string;
  pre: { score: number };
  post: { score: number };
  change: number;
  /** Scale scores (one ability scale) and their change, when both tests have one. */
  scale?: { pre: number; post: number; change: number };
  standards: StudentStandardGrowth[];
}
/** Growth on the one ability scale (server/mastery/growth.ts ScaleGrowth), in scale points. */
export interface ScaleGrowth {
  students: number;
  meanPre: number | null;
  meanPost: number | null;
  meanChange: number | null;
  changeInterval: { value: [number, number] | null; reason?: string };
}
export interface GrowthView {
  pre: { id: string; title: string };
  post: { id: string; title: string };
  confidence: number;
  overall: GainSummary;
  /** Absent from dashboards served before scale scores were stored. */
  scale?: ScaleGrowth;
  standards: (GainSummary & { code: string })[];
  notGrowing: { code: string; reason: NotGrowingReason; message: string }[];
  students: StudentGrowth[];
  onlyPre: StudentRef[];
  onlyPost: StudentRef[];
}

export interface DashboardView {
  placement: { id: string; title: string; assessmentId: string | null };
  assessment: { id: string; title: string; kind: 'pre' | 'post' | 'diagnostic'; pairedWith: string | null } | null;
  standards: StandardRef[];
  roster: { source: 'lms' | 'launches'; reason?: string };
  completion: { counts: Record<CompletionStatus, number> & { total: number }; students: CompletionRow[] };
  mastery: { levels: Level[]; students: MasteryRow[] };
  growth: GrowthView | null;
  itemAnalysis: { students: number; design?: 'fixed' | 'adaptive'; items: ItemStat[] };
  groups: GroupsView | null;
}

export interface AttemptRow { id: string; status: 'in-progress' | 'submitted'; score?: number; startedAt: string; submittedAt?: string }
export interface DrilldownView {
  student: StudentRef & { personId: string };
  status: CompletionStatus;
  attempts: AttemptRow[];
  attempt: null | {
    id: string; number: number; submittedAt: string; score: number; maxScore: number; percent: number;
    standards: { code: string; description: string; correct: number; total: number; pMastery?: number }[];
    design?: 'fixed' | 'adaptive';
    parts?: { part: number; positions: number[] }[];
    scale?: { score: number; se: number; extreme: 'ceiling' | 'floor' | null; range: [number, number] };
    items: {
      position: number; itemId: string; version: number; standard: string; title: string; type: string;
      response: string; answered: boolean; correct: boolean; score: number; correctAnswer: string; misconceptions: string[];
      part?: number;
    }[];
  };
  mastery: Record<string, MasteryCell | null>;
  growth: StudentGrowth | null;
}
