// Debian's Chromium driven by playwright-core: never a downloaded browser. One launcher for every
// browser test, with the flags this machine needs (no background networking on a closed network).
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  // Tests put the LMS and the tool on loopback addresses (and fulfil some responses from the test,
  // which Chromium treats as public): the local-network checks do not apply to real deployments.
  const args = [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}
