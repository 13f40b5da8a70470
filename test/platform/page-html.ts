// The demo LMS as a person sees it: a course home (tool registration, activities with
// launch buttons, gradebook) and a course frame that hosts a launch. Pure renderers:
// state in, HTML string out.

import { currentScore } from './ags.js';
import { html, page, scriptJson, type SafeHtml } from './html.js';
import { lineItemOfLink } from './launch.js';
import { isInstructor } from './roster.js';
import { platformUrls, type PlatformState } from './state.js';
import type { DemoUser, LineItem, Placement, ScoreRecord } from './types.js';

const styles = html`<style>
:root { --sim-accent: #1d4f91; --sim-muted: #5a5a5a; --sim-border: #c8c8c8; --sim-focus: #ffbf47; }
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; line-height: 1.5; }
header.lms { background: var(--sim-accent); color: #fff; padding: 0.75rem 1.5rem; }
header.lms a { color: #fff; }
main { padding: 1rem 1.5rem; max-width: 72rem; }
section { margin-block: 1.5rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--sim-border); padding: 0.3rem 0.6rem; text-align: left; }
button, .button { font: inherit; padding: 0.35rem 0.8rem; margin: 0.15rem; border: 1px solid var(--sim-accent); background: #fff; color: var(--sim-accent); border-radius: 4px; cursor: pointer; text-decoration: none; display: inline-block; }
button.primary { background: var(--sim-accent); color: #fff; }
:focus-visible { outline: 3px solid var(--sim-focus); outline-offset: 2px; }
.muted { color: var(--sim-muted); }
ul.launches { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
iframe.tool { width: 100%; min-height: 40rem; border: 1px solid var(--sim-border); }
dialog iframe { width: min(60rem, 90vw); height: 70vh; border: 0; }
</style>`;

function lmsHeader(state: PlatformState): SafeHtml {
  return html`<header class="lms"><p><a href="/">${state.course.title}</a> · <span>${state.quirks.platformName}</span></p></header>`;
}

function registrationSection(state: PlatformState): SafeHtml {
  const urls = platformUrls(state);
  const manual = state.registrations.find((r) => r.kind === 'manual');
  const dynamic = state.registrations.filter((r) => r.kind === 'dynamic');
  const tool = state.options.toolUrl;
  return html`<section aria-labelledby="tool-heading">
<h2 id="tool-heading">Growthline tool</h2>
<p id="registration-status">${dynamic.length > 0
    ? `Registered by Dynamic Registration (${dynamic.length} registration${dynamic.length === 1 ? '' : 's'}); launches use the newest.`
    : 'Not registered by Dynamic Registration yet; launches use the manual registration below.'}</p>
${dynamic.length > 0 ? html`<table><caption>Dynamic registrations</caption>
<thead><tr><th scope="col">Tool name</th><th scope="col">Client id</th><th scope="col">Deployment id</th><th scope="col">Registered</th></tr></thead>
<tbody>${dynamic.map((r) => html`<tr><td>${r.clientName ?? '(no name)'}</td><td><code>${r.clientId}</code></td><td><code>${r.deploymentId}</code></td><td>${r.registeredAt}</td></tr>`)}</tbody></table>` : ''}
${state.quirks.supportsDynamicRegistration
    ? html`<p><button type="button" class="primary" id="register-dynamic">Register tool (Dynamic Registration)</button>
<a class="button" href="/admin/register-tool" target="_blank" rel="opener">Register in a new window</a></p>
<dialog id="registration-dialog" aria-labelledby="registration-dialog-title">
<h3 id="registration-dialog-title">Register Growthline</h3>
<iframe title="Growthline registration" id="registration-frame"></iframe>
<p><button type="button" id="registration-close">Close</button></p>
</dialog>`
    : html`<p>${state.quirks.family} has no Dynamic Registration: register by hand with the values below.</p>`}
${manual ? html`<details><summary>Manual registration values</summary>
<h3>Give these to the tool</h3>
<dl>
<dt>Issuer (platform id)</dt><dd><code>${urls.issuer}</code></dd>
<dt>Client id</dt><dd><code>${manual.clientId}</code></dd>
<dt>Deployment id</dt><dd><code>${manual.deploymentId}</code></dd>
<dt>Authentication endpoint</dt><dd><code>${urls.authorize}</code></dd>
<dt>Access token endpoint</dt><dd><code>${urls.token}</code></dd>
<dt>Keyset URL</dt><dd><code>${urls.jwks}</code></dd>
</dl>
<h3>What this LMS was told about the tool</h3>
<dl>
<dt>Login initiation URL</dt><dd><code>${manual.initiateLoginUri}</code></dd>
<dt>Redirect URIs</dt><dd>${manual.redirectUris.map((u) => html`<code>${u}</code> `)}</dd>
<dt>Tool keyset URL</dt><dd><code>${manual.jwksUri}</code></dd>
<dt>Tool URL</dt><dd><code>${tool}</code></dd>
</dl></details>` : ''}
</section>`;
}

function lineItemLabel(state: PlatformState, placement: Placement): string {
  const id = lineItemOfLink(state, placement.resourceLinkId);
  const item = state.lineItems.find((li) => li.id === id);
  return item ? `Graded: ${item.label} (out of ${item.scoreMaximum})` : 'Not graded in this course';
}

function launchButtons(state: PlatformState, placement: Placement): SafeHtml {
  return html`<form method="get" action="/course/launch">
<input type="hidden" name="placement" value="${placement.resourceLinkId}">
<ul class="launches">${state.users.map((u) => html`<li><button type="submit" name="user" value="${u.id}">Launch as ${u.name} (${u.roleLabel})</button></li>`)}</ul>
</form>`;
}

function placementsSection(state: PlatformState): SafeHtml {
  // Only the editing teacher adds activities; a TA (a non-editing teacher in Moodle) does not.
  const teacher = state.users.find((u) => u.roleLabel === 'Teacher' && isInstructor(u));
  return html`<section aria-labelledby="activities-heading">
<h2 id="activities-heading">Activities</h2>
${state.placements.map((p) => html`<article aria-labelledby="${`placement-${p.resourceLinkId}`}">
<h3 id="${`placement-${p.resourceLinkId}`}">${p.title}</h3>
<p class="muted">${lineItemLabel(state, p)}</p>
${launchButtons(state, p)}
</article>`)}
<form method="get" action="/course/launch">
<input type="hidden" name="type" value="deep-linking">
${teacher ? html`<button type="submit" class="primary" name="user" value="${teacher.id}">Add Growthline activity (Deep Linking)</button>
<span class="muted">as ${teacher.name}</span>` : ''}
</form>
</section>`;
}

function scoreCells(s: ScoreRecord, users: DemoUser[], items: LineItem[]): SafeHtml {
  const student = users.find((u) => u.id === s.userId)?.name ?? s.userId;
  const column = items.find((li) => li.id === s.lineItemId)?.label ?? '(deleted line item)';
  const score = s.scoreGiven === undefined ? '—' : `${s.scoreGiven} / ${s.scoreMaximum ?? '?'}`;
  return html`<td>${student}</td><td>${column}</td><td>${score}</td><td>${s.activityProgress} · ${s.gradingProgress}</td><td>${s.comment ?? ''}</td><td>${s.timestamp}</td>`;
}

function scoreHead(extra?: SafeHtml): SafeHtml {
  return html`<thead><tr><th scope="col">Student</th><th scope="col">Line item</th><th scope="col">Score</th><th scope="col">Progress</th><th scope="col">Comment</th><th scope="col">Timestamp</th>${extra}</tr></thead>`;
}

function gradebookSection(state: PlatformState): SafeHtml {
  const current = state.lineItems.flatMap((li) =>
    state.users.flatMap((u) => {
      const s = currentScore(state, li.id, u.id);
      return s ? [s] : [];
    }));
  return html`<section aria-labelledby="gradebook-heading">
<h2 id="gradebook-heading">Gradebook</h2>
<p><a href="/">Refresh</a></p>
${current.length === 0 ? html`<p id="gradebook-empty">No scores received yet.</p>` : html`<table id="gradebook"><caption>Current scores</caption>${scoreHead()}
<tbody>${current.map((s) => html`<tr>${scoreCells(s, state.users, state.lineItems)}</tr>`)}</tbody></table>`}
${state.scores.length > 0 ? html`<details><summary>Every score received (${state.scores.length})</summary>
<table><caption>Score log, oldest first</caption>${scoreHead(html`<th scope="col">Kept?</th>`)}
<tbody>${state.scores.map((s) => html`<tr>${scoreCells(s, state.users, state.lineItems)}<td>${s.ignored ? `ignored: ${s.ignoredReason ?? ''}` : 'kept'}</td></tr>`)}</tbody></table></details>` : ''}
</section>`;
}

export function courseHomePage(state: PlatformState): string {
  const toolOrigin = new URL(state.options.toolUrl).origin;
  return page(
    state.course.title,
    html`${lmsHeader(state)}
<main>
<h1>${state.course.title} <span class="muted">(${state.course.label})</span></h1>
${registrationSection(state)}
${placementsSection(state)}
${gradebookSection(state)}
</main>
<script>
const toolOrigin = ${scriptJson(toolOrigin)};
const dialog = document.getElementById('registration-dialog');
const frame = document.getElementById('registration-frame');
document.getElementById('register-dynamic')?.addEventListener('click', () => { frame.src = '/admin/register-tool'; dialog.showModal(); });
document.getElementById('registration-close')?.addEventListener('click', () => { dialog.close(); location.reload(); });
// The tool says it is done with {subject:'org.imsglobal.lti.close'} (Dynamic Registration 1.0).
window.addEventListener('message', (event) => {
  if (event.origin === toolOrigin && event.data && event.data.subject === 'org.imsglobal.lti.close') location.reload();
});
</script>`,
    styles,
  );
}

export interface LaunchFrame {
  title: string;
  user: DemoUser;
  loginUrl: string;
  newWindowHref: string;
}

/** The course page around a launch, with the client-side LTI messages the platform answers. */
export function launchFramePage(state: PlatformState, frame: LaunchFrame): string {
  const toolOrigin = new URL(state.options.toolUrl).origin;
  return page(
    `${frame.title} — ${state.course.title}`,
    html`${lmsHeader(state)}
<main>
<h1>${frame.title}</h1>
<p>Launched as ${frame.user.name} (${frame.user.roleLabel}). <a href="${frame.newWindowHref}" target="_blank" rel="noopener">Open in a new window</a> · <a href="/">Back to the course</a></p>
<iframe class="tool" id="tool-frame" src="${frame.loginUrl}" title="${`Growthline: ${frame.title}`}" allow="fullscreen; clipboard-write; microphone; camera"></iframe>
</main>
<script>
const toolOrigin = ${scriptJson(toolOrigin)};
const toolFrame = document.getElementById('tool-frame');
const stored = new Map();
// LTI client-side messages: frame resize and platform storage (for tools whose cookies are blocked).
window.addEventListener('message', (event) => {
  if (event.origin !== toolOrigin || !event.data || typeof event.data.subject !== 'string') return;
  const m = event.data;
  const reply = (body) => event.source.postMessage({ ...body, message_id: m.message_id }, event.origin);
  if (m.subject === 'lti.frameResize' && Number(m.height) > 0) toolFrame.style.height = Number(m.height) + 'px';
  if (m.subject === 'lti.capabilities') reply({ subject: 'lti.capabilities.response', supported_messages: [{ subject: 'lti.frameResize' }, { subject: 'lti.put_data' }, { subject: 'lti.get_data' }] });
  if (m.subject === 'lti.put_data') { stored.set(m.key, m.value); reply({ subject: 'lti.put_data.response', key: m.key, value: m.value }); }
  if (m.subject === 'lti.get_data') reply({ subject: 'lti.get_data.response', key: m.key, value: stored.get(m.key) });
});
</script>`,
    styles,
  );
}

export function returnPage(state: PlatformState, message?: string, error?: string): string {
  return page(
    `Back in ${state.course.title}`,
    html`${lmsHeader(state)}
<main>
<h1>Back in ${state.course.title}</h1>
${message ? html`<p role="status">${message}</p>` : ''}
${error ? html`<p role="alert">${error}</p>` : ''}
<p><a href="/" target="_top">Go to the course home</a></p>
</main>`,
    styles,
  );
}
