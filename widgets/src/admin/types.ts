// The shapes the admin API answers with (server/admin/admin.routes.ts), as the page reads them.
export interface ToolUrls {
  loginUrl: string; launchUrl: string; jwksUrl: string; dynamicRegistrationUrl: string; canvasConfigUrl: string; domain: string;
}

export interface ServiceStatus { gradePassback: 'on' | 'off'; roster: 'on' | 'off'; reason?: string }

export interface PlatformRow {
  id: string; issuer: string; clientId: string; name: string; productFamily: string; registeredVia?: string;
  deploymentIds: string[]; services: ServiceStatus;
  /** Progress reports (Started/InProgress) in effect, and whether an administrator chose it or it is the product's default. */
  progressScores: boolean; progressScoresSource: 'setting' | 'default';
}

/** PUT /platforms/:id/progress-scores answers with the setting now in effect. */
export interface ProgressScoresSetting { progressScores: boolean; source: 'setting' | 'default' }

export interface KeyRow {
  kid: string; generation: number; status: 'current' | 'previous'; published: boolean;
  createdAt: string; retiredAt: string | null; publishUntil: string | null;
}

export interface RemovalReport { platform: { issuer: string; clientId: string; name: string }; deployments: string[]; deleted: Record<string, number> }
export interface DeletionReport { deleted: Record<string, number>; scrubbed: Record<string, number>; notes: string[] }

/** Announced to the page's live region by any section. */
export type AnnounceEvent = CustomEvent<{ message: string }>;
