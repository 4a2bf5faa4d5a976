// The headless Chromium of the HTML tests (Debian's `chromium`, or MMRE_CHROMIUM): whether it is there,
// and a launch with no network side traffic. Missing Chromium skips the browser tests with a message,
// and fails them under CI.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.MMRE_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Says once per test file why its browser tests are skipped (and throws under CI). */
export function checkChromium(what: string): void {
  if (haveChromium) return;
  const msg = `${CHROMIUM} is missing (apt-get install -y chromium); skipping ${what}`;
  if (process.env.CI) throw new Error(`${msg.split(';')[0]} and CI is set`);
  console.warn(msg);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
