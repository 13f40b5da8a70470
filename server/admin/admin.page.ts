// GET /admin: the district administrator's page, opened directly in a browser (never in an LMS frame).
// It carries no secret: the administrator types ADMIN_TOKEN into the page, which calls /api/admin with it.
// The page only learns whether the admin API is on, so it can explain how to turn it on when it is not.
import type { Request, RequestHandler, Response } from 'express';
import { renderWidgetPage } from '../pages/render.js';
import { adminApiEnabled } from './admin.routes.js';

export function adminPage(o: { adminToken: string | undefined }): RequestHandler {
  const api = adminApiEnabled(o.adminToken) ? 'on' : 'off';
  return (req: Request, res: Response, next) => {
    const locale = req.acceptsLanguages('en', 'es') || 'en';
    renderWidgetPage('admin', {
      title: locale === 'es' ? 'Administración' : 'Administration', locale, attrs: { 'admin-api': api },
      noscript: 'The Growthline admin page needs JavaScript. The same tasks are available from the command line: growthline platform --help.',
    }).then((html) => {
      // Clickjacking: frame-ancestors 'none' is set for this path in app.ts; X-Frame-Options for browsers that ignore CSP.
      res.set({ 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' }).status(200).type('html').send(html);
    }, next);
  };
}
