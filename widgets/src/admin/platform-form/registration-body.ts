// What the "register an LMS by hand" form sends to POST /api/admin/platforms, from what was typed. Pure, so the
// rules (blank optional fields left out, list fields one entry per line) are tested without a browser.

export type FieldName =
  | 'name' | 'productFamily' | 'issuer' | 'clientId' | 'deploymentIds' | 'authEndpoint' | 'tokenEndpoint' | 'jwksUrl'
  | 'frameOrigins' | 'progressScores';

export type FormValues = Record<FieldName, string>;

/** One entry per line; deployment ids may also be comma-separated (as LMSs list them), URLs may not (a comma can be part of one). */
const lines = (text: string, separator: RegExp) => text.split(separator).map((s) => s.trim()).filter(Boolean);

/**
 * The request body: blank optional fields are left out, so the server's defaults apply (no frame origins
 * besides the issuer's and the authorization endpoint's; progress reports as the product family's default).
 */
export function registrationBody(v: FormValues): Record<string, unknown> {
  const frameOrigins = lines(v.frameOrigins, /\s+/);
  return {
    issuer: v.issuer.trim(), clientId: v.clientId.trim(),
    deploymentIds: lines(v.deploymentIds, /[\n,]/),
    authEndpoint: v.authEndpoint.trim(), tokenEndpoint: v.tokenEndpoint.trim(), jwksUrl: v.jwksUrl.trim(),
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    ...(v.productFamily ? { productFamily: v.productFamily } : {}),
    ...(frameOrigins.length ? { frameOrigins } : {}),
    ...(v.progressScores === 'on' ? { progressScores: true } : v.progressScores === 'off' ? { progressScores: false } : {}),
  };
}
