// Everything that differs between Canvas, Moodle and Schoology lives here, so the
// endpoints stay product-neutral and a quirk is one table entry, not an `if canvas`.

import { randomBytes, randomInt } from 'node:crypto';
import type { ProductFamily } from './types.js';

export interface ProductQuirks {
  family: ProductFamily;
  platformName: string;
  version: string;
  /** Moodle's service URLs carry ?type_id=…; Moodle refuses AGS calls that drop it. */
  agsQuery?: { name: string; value: string };
  /** Schoology never returns more than 100 members per page, whatever limit asks for. */
  membershipsPageCap?: number;
  /** Schoology has no Dynamic Registration; its admins paste values by hand. */
  supportsDynamicRegistration: boolean;
  /** Canvas deploys a tool after the admin confirms, so its registration answer carries no deployment_id. */
  registrationAnswerHasDeploymentId: boolean;
  /** Canvas answers a score POST with 200 and a resultUrl; the others with 204. */
  scoreAnswer: 'result-url' | 'no-content';
  /** Canvas sends lti_storage_target so tools can use postMessage storage when cookies are blocked. */
  storageTarget?: string;
  messagePlacements: { resourceLink?: string[]; deepLinking?: string[] };
  newClientId(): string;
  newDeploymentId(sequence: number): string;
}

const quirks: Record<ProductFamily, ProductQuirks> = {
  moodle: {
    family: 'moodle',
    platformName: 'Moodle LMS (Growthline simulator)',
    version: '4.5',
    agsQuery: { name: 'type_id', value: '7' },
    supportsDynamicRegistration: true,
    registrationAnswerHasDeploymentId: true,
    scoreAnswer: 'no-content',
    messagePlacements: { deepLinking: ['ContentArea'] },
    newClientId: () => randomBytes(12).toString('base64url').slice(0, 15),
    newDeploymentId: (sequence) => String(sequence),
  },
  canvas: {
    family: 'canvas',
    platformName: 'Canvas LMS (Growthline simulator)',
    version: 'cloud',
    supportsDynamicRegistration: true,
    registrationAnswerHasDeploymentId: false,
    scoreAnswer: 'result-url',
    storageTarget: '_parent',
    messagePlacements: { resourceLink: ['link_selection'], deepLinking: ['assignment_selection', 'link_selection'] },
    newClientId: () => `1000000000${randomInt(1000, 9999)}`,
    newDeploymentId: (sequence) => `${sequence}:${randomBytes(20).toString('hex')}`,
  },
  schoology: {
    family: 'schoology',
    platformName: 'Schoology (Growthline simulator)',
    version: '2024',
    membershipsPageCap: 100,
    supportsDynamicRegistration: false,
    registrationAnswerHasDeploymentId: true,
    scoreAnswer: 'no-content',
    messagePlacements: {},
    newClientId: () => String(randomInt(1_000_000_000, 9_999_999_999)),
    newDeploymentId: (sequence) => `${sequence}-${randomBytes(6).toString('hex')}`,
  },
};

export function productQuirks(family: ProductFamily): ProductQuirks {
  return quirks[family];
}
