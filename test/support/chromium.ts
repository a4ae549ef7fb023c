// Debian's real chromium, headless, driven through playwright-core (no downloaded browser): a fresh
// profile per launch, no background networking, and every request the page makes recorded, so a
// test can assert a static page asked for nothing but itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Messages of dialogs that opened (alert, confirm, prompt) — each one dismissed. */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const b: Browser = {
    context,
    page,
    requests: [],
    dialogs: [],
    errors: [],
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  context.on('request', (r) => b.requests.push(r.url()));
  page.on('dialog', (d) => {
    b.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => b.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') b.errors.push(m.text());
  });
  return b;
}
