// The Canvas developer key JSON (Admin → Developer Keys → + LTI Key → Method: Paste JSON or Enter
// URL): everything Canvas needs to install Growthline by hand, derived from PUBLIC_URL. Served at
// GET /lti/canvas.json so administrators can paste its URL instead of copying values.
import type { RequestHandler } from 'express';
import { TOOL_SCOPES } from './registration.js';

export function canvasDeveloperKey(toolUrl: string) {
  const launch = `${toolUrl}/lti/launch`;
  const icon = `${toolUrl}/static/logo.svg`;
  // Teachers add assessments through Deep Linking from the assignment and module screens.
  const placement = (name: 'link_selection' | 'assignment_selection', text: string) => ({
    placement: name, message_type: 'LtiDeepLinkingRequest', target_link_uri: launch, text, icon_url: icon,
    selection_width: 1000, selection_height: 800,
  });
  return {
    title: 'Growthline',
    description: 'Standards-aligned diagnostic pre-tests and post-tests with per-standard mastery, growth and grade passback.',
    oidc_initiation_url: `${toolUrl}/lti/login`,
    target_link_uri: launch,
    public_jwk_url: `${toolUrl}/lti/keys`,
    scopes: TOOL_SCOPES,
    extensions: [{
      domain: new URL(toolUrl).host,
      tool_id: 'growthline',
      platform: 'canvas.instructure.com',
      // Names let teachers recognise students; email is never needed.
      privacy_level: 'name_only',
      settings: {
        text: 'Growthline',
        icon_url: icon,
        placements: [
          placement('assignment_selection', 'Growthline assessment'),
          placement('link_selection', 'Growthline assessment'),
        ],
      },
    }],
    // Course copies keep their Growthline activities working: the launch names the original ids.
    custom_fields: {
      context_id_history: '$Context.id.history',
      resource_link_id_history: '$ResourceLink.id.history',
    },
  };
}

export function canvasConfigRoute(toolUrl: string): RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/json').send(JSON.stringify(canvasDeveloperKey(toolUrl), null, 2));
  };
}
