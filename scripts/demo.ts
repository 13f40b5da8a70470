// `npm run demo`: Growthline with its embedded database (files in ./data) on :3000 and the demo
// LMS on :3001, registered with each other so the "Launch as …" buttons work straight away.
// Ports: GROWTHLINE_PORT / DEMO_LMS_PORT. Stop with Ctrl+C; data stays for the next run.
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { registerLmsPlatform } from '../server/lti/registration.js';
import { startTool } from '../server/main.js';
import { findPlatform } from '../server/tenants/tenant.service.js';
import { createPlatform } from '../test/platform/index.js';

const toolPort = Number(process.env.GROWTHLINE_PORT ?? 3000);
const lmsPort = Number(process.env.DEMO_LMS_PORT ?? 3001);

async function main(): Promise<void> {
  // The demo keeps one LTI key in ./data so registrations survive restarts of the demo.
  const config = loadConfig({ ...process.env, PORT: String(toolPort), HOST: '127.0.0.1', LTI_KEY: process.env.LTI_KEY ?? 'growthline-demo-key-not-for-production' });
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const tool = await startTool(config, log);
  const lms = createPlatform({ toolUrl: tool.url, port: lmsPort, productFamily: 'moodle', courseTitle: 'Grade 7 Math — Period 2' });
  await lms.start();
  // The course arrives with a pre-test activity; attach the ready-made Grade 7 Ratios diagnostic to
  // it and add its post-test, as a teacher would through "Add a Growthline assessment".
  lms.placements[0]!.custom = { ...lms.placements[0]!.custom, growthline_assessment: 'starter-g7-rp-pre' };
  lms.addPlacement({
    title: 'Grade 7 Ratios — Post-test', resourceLinkId: 'rl-ratios-posttest', custom: { growthline_assessment: 'starter-g7-rp-post' },
    lineItem: { scoreMaximum: 100, label: 'Grade 7 Ratios — Post-test', resourceId: 'starter-g7-rp-post', tag: 'growthline' },
  });
  // And the adaptive diagnostic (docs/adaptive.md), so the multistage test can be tried from the demo LMS.
  lms.addPlacement({
    title: 'Grade 7 Ratios — Adaptive diagnostic', resourceLinkId: 'rl-ratios-adaptive', custom: { growthline_assessment: 'starter-g7-rp-adaptive' },
    lineItem: { scoreMaximum: 100, label: 'Grade 7 Ratios — Adaptive diagnostic', resourceId: 'starter-g7-rp-adaptive', tag: 'growthline' },
  });
  const reg = lms.registration();
  if (!(await findPlatform(reg.issuer, reg.clientId))) {
    await registerLmsPlatform(tool.app.lti, {
      issuer: reg.issuer, clientId: reg.clientId, name: 'Demo LMS', productFamily: 'moodle', deploymentIds: [reg.deploymentId],
      authEndpoint: reg.authenticationEndpoint, tokenEndpoint: reg.accesstokenEndpoint, jwksUrl: reg.keysetUrl,
      scopes: [], registeredVia: 'manual',
    });
  }
  process.stdout.write([
    '',
    `  Growthline is running at ${tool.url} (database: ${tool.db.engine}, files in ${config.dataDir})`,
    `  Demo LMS:  open ${lms.url}/ and use the "Launch as …" buttons to open Growthline as a student or the teacher.`,
    '  Stop with Ctrl+C.',
    '',
  ].join('\n'));
  const stop = () => {
    Promise.allSettled([lms.stop(), tool.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`The demo could not start: ${err.message}\n`);
  process.exit(1);
});
