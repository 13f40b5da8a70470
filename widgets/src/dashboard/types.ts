// The dashboard API's shapes as the widgets read them (docs/api.md, "Mastery & dashboard"). Written out here
// because widgets never import server code; kept to the fields the components use.

export type Level = 'beginning' | 'developing' | 'proficient' | 'mastered';
export type CompletionStatus = 'not-started' | 'in-progress' | 'submitted';

export interface StudentRef { personId: string | null; displayName: string }
export interface StandardRef { code: string; description: string }

export interface CompletionRow extends StudentRef {
  status: CompletionStatus;
  onRoster: boolean;
  attempts: number;
  score?: number;
  maxScore?: number;
  percent?: number;
  startedAt?: string;
  submittedAt?: string;
}

export interface MasteryCell { level: Level; pMastery: number | null; evidence: number; attempts: number }
export interface MasteryRow extends StudentRef { cells: Record<string, MasteryCell | null> }

export interface Maybe<T> { value: T | null; reason?: string }
export interface GainSummary {
  students: number;
  meanPre: number | null;
  meanPost: number | null;
  meanGain: number | null;
  gainInterval: Maybe<[number, number]>;
  normalizedGain: Maybe<number>;
  effectSize: { d: number | null; interval: [number, number] | null; reason?: string };
  movedUpShare: number | null;
}
export type NotGrowingReason = 'no-paired-students' | 'too-few-students' | 'mean-change-not-positive' | 'interval-includes-zero';

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
  standards: StudentStandardGrowth[];
}
export interface GrowthView {
  pre: { id: string; title: string };
  post: { id: string; title: string };
  confidence: number;
  overall: GainSummary;
  standards: (GainSummary & { code: string })[];
  notGrowing: { code: string; reason: NotGrowingReason; message: string }[];
  students: StudentGrowth[];
  onlyPre: StudentRef[];
  onlyPost: StudentRef[];
}

export interface ChoiceStat { id: string; label: string; isKey: boolean; chosen: number; percent: number | null; misconception: string | null }
export interface ItemStat {
  itemId: string;
  version: number;
  position: number;
  standard: string;
  type: string;
  title: string;
  students: number;
  answered: number;
  omitted: number;
  correct: number;
  percentCorrect: number | null;
  meanScorePercent: number | null;
  choices?: ChoiceStat[];
  commonWrongAnswers?: { answer: string; count: number }[];
}

export interface PracticeItem { id: string; version: number; title: string; standard: string }
export interface Group {
  number: number;
  name: string | null;
  students: (StudentRef & { personId: string; needs: string[] })[];
  reteach: (StandardRef & { students: number })[];
  extend: (StandardRef & { students: number })[];
  practiceItems: PracticeItem[];
}
export interface GroupsView {
  saved: boolean;
  rev: number;
  savedAt: string | null;
  reteachLevels: Level[];
  groups: Group[];
  ungrouped: StudentRef[];
}

export interface DashboardView {
  placement: { id: string; title: string; assessmentId: string | null };
  assessment: { id: string; title: string; kind: 'pre' | 'post' | 'diagnostic'; pairedWith: string | null } | null;
  standards: StandardRef[];
  roster: { source: 'lms' | 'launches'; reason?: string };
  completion: { counts: Record<CompletionStatus, number> & { total: number }; students: CompletionRow[] };
  mastery: { levels: Level[]; students: MasteryRow[] };
  growth: GrowthView | null;
  itemAnalysis: { students: number; items: ItemStat[] };
  groups: GroupsView | null;
}

export interface AttemptRow { id: string; status: 'in-progress' | 'submitted'; score?: number; startedAt: string; submittedAt?: string }
export interface DrilldownView {
  student: StudentRef & { personId: string };
  status: CompletionStatus;
  attempts: AttemptRow[];
  attempt: null | {
    id: string; number: number; submittedAt: string; score: number; maxScore: number; percent: number;
    standards: { code: string; description: string; correct: number; total: number }[];
    items: {
      position: number; itemId: string; version: number; standard: string; title: string; type: string;
      response: string; answered: boolean; correct: boolean; score: number; correctAnswer: string; misconceptions: string[];
    }[];
  };
  mastery: Record<string, MasteryCell | null>;
  growth: StudentGrowth | null;
}

export interface MyMasteryView {
  student: { id: string; displayName: string };
  course: { id: string; title: string };
  standards: (StandardRef & { level: Level; pMastery: number | null; evidence: number; nextStep: string })[];
  assessments: { id: string; title: string; kind: 'pre' | 'post' | 'diagnostic' | null; submittedAt: string; score: number; maxScore: number; percent: number }[];
  growth: {
    pre: { id: string; title: string };
    post: { id: string; title: string };
    standards: { code: string; before: number; after: number; change: number; levelBefore: Level; levelAfter: Level }[];
  }[];
}
