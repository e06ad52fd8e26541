import { type Browser, type LaunchOptions, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with its background networking off: the
 * machines have no network beyond loopback and the package registries.
 */
export const CHROMIUM_OPTIONS: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  headless: true,
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
};

/** A Chromium of this process's own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(CHROMIUM_OPTIONS);
}

/**
 * The Chromium that the browser tests' global setup started for the whole run, when `endpoint`
 * names one (each test file connects to it and gets contexts of its own, which closing the
 * connection closes), or else one of this process's own. Starting Chromium costs more than a test's
 * page loads, so a run starts it once.
 */
export function connectChromium(endpoint: string | undefined): Promise<Browser> {
  return endpoint ? chromium.connect(endpoint) : launchChromium();
}
