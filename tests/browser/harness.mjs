// Shared harness of the browser tests (console.test.mjs, plugins.test.mjs, identity.test.mjs…): check
// bookkeeping with one line per check, deadline-aware waits, the chromium launch, more pages in their
// own browser contexts (separate cookies: several people logged in at once), logging in as a demo
// account and the final "N passed, N failed" line.
//
// Uses playwright-core from web/node_modules with Debian's /usr/bin/chromium (CHROMIUM overrides the path).

import { createRequire } from 'node:module';

export const WAIT_MS = 15_000;
/** The demo accounts' password (database.demo_data). */
export const DEMO_PASSWORD = 'Wangban-Demo-2026';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let passed = 0;
let failed = 0;
let finished = false;
let browser = null;
let deadline = Infinity;

export const oneLine = (v) => String(v?.message ?? v).split('\n')[0].slice(0, 300);
export const squash = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();
export const timeLeft = () => Math.max(1, deadline - Date.now());
export const waitMs = () => Math.min(WAIT_MS, timeLeft());

function pass(name, info = '') {
  passed++;
  console.log(`ok   - ${name}${info ? ` (${info})` : ''}`);
}
export function fail(name, err) {
  failed++;
  console.log(`FAIL - ${name}${err !== undefined ? `: ${oneLine(err)}` : ''}`);
}
/** Runs one check; returns true when it passed. fn may return a short info string. */
export async function check(name, fn) {
  try {
    const info = await fn();
    pass(name, typeof info === 'string' ? info : '');
    return true;
  } catch (e) {
    fail(name, e);
    return false;
  }
}
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
/** Polls fn until it returns a truthy value or the deadline passes (no fixed sleeps). */
export async function waitUntil(fn, what, ms = waitMs()) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (${oneLine(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** WANGBAN_URL (without trailing slashes), WANGBAN_ADMIN_TOKEN and SCREENSHOT from the environment. */
export function readEnv() {
  return {
    base: (process.env.WANGBAN_URL ?? '').replace(/\/+$/, ''),
    token: process.env.WANGBAN_ADMIN_TOKEN ?? '',
    screenshot: process.env.SCREENSHOT ?? '',
  };
}

/**
 * The start of a test against WANGBAN_URL: checks the environment, then launchPage(). Returns
 * { base, screenshot, first: { context, page, pageErrors } }, or null when a check failed.
 */
export async function openFirstPage() {
  const { base, screenshot } = readEnv();
  const envOk = await check('environment (WANGBAN_URL)', () => {
    assert(/^https?:\/\//.test(base), 'WANGBAN_URL must be an http(s) URL');
    return base;
  });
  if (!envOk) return null;
  const first = await launchPage();
  return first ? { base, screenshot, first } : null;
}

/**
 * Checks that playwright-core loads and chromium launches, then opens a zh-CN 1280×800 page that
 * collects its uncaught errors. Returns { context, page, pageErrors }, or null when a check failed.
 */
export async function launchPage() {
  let chromium;
  const libOk = await check('playwright-core available from web/node_modules', () => {
    const require = createRequire(new URL('../../web/package.json', import.meta.url));
    ({ chromium } = require('playwright-core'));
    return `playwright-core ${require('playwright-core/package.json').version}`;
  });
  if (!libOk) return null;

  const launched = await check('launch chromium', async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: Math.min(30_000, timeLeft()),
    });
    return browser.version();
  });
  if (!launched) return null;
  return newPage();
}

/**
 * Another zh-CN 1280×800 page in a browser context of its own (its own cookies and storage), after
 * launchPage(). Returns { context, page, pageErrors }.
 */
export async function newPage() {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(oneLine(e)));
  return { context, page, pageErrors };
}

/**
 * takeShot(name) saves one full-page picture per name to pathOf(name) (by default <SCREENSHOT>-<name>.png),
 * as a check; nothing without SCREENSHOT.
 */
export function screenshots(page, screenshot, pathOf = (name) => `${screenshot}-${name}.png`) {
  const taken = new Set();
  return async (name) => {
    if (!screenshot || taken.has(name) || page.isClosed()) return;
    taken.add(name);
    const path = pathOf(name);
    await check(`screenshot saved to ${path}`, () => page.screenshot({ path, fullPage: true, timeout: waitMs() }));
  };
}

/** The name the page's header shows for the person logged in, or "" when nobody is. */
export async function headerName(page) {
  const h = page.locator('header [data-testid="current-user"]');
  return (await h.count()) > 0 ? squash(await h.innerText()) : '';
}

/**
 * Logs in on <base>/login as a demo account (user: { username, name }) with the password, then
 * waits until the page has left /login (or, given `path`, reached it) and the header shows the name.
 */
export async function demoLogin(page, base, user, path) {
  await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
  await page.locator('#login-username').fill(user.username, { timeout: waitMs() });
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.locator('[data-testid="password-login"]').click();
  await page.waitForURL((url) => (path === undefined ? url.pathname !== '/login' : url.pathname === path), { timeout: waitMs() });
  await waitUntil(async () => (await headerName(page)) === user.name, `the header to show ${user.name}`);
}

function summary(code) {
  if (finished) return;
  finished = true;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = code ?? (failed === 0 && passed > 0 ? 0 : 1);
}

async function closeBrowser() {
  const b = browser;
  browser = null;
  if (!b) return;
  await Promise.race([b.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
}

/**
 * Runs the test body within overallMs, then closes the browser and prints "N passed, N failed";
 * the exit code is 0 only if checks passed and none failed.
 */
export async function run(overallMs, main) {
  deadline = Date.now() + overallMs;
  const overallTimer = setTimeout(async () => {
    if (finished) return;
    fail(`overall timeout of ${overallMs / 1000} s`);
    await closeBrowser();
    summary(1);
    process.exit(1);
  }, overallMs);
  try {
    await main();
  } catch (e) {
    fail('unexpected error', e);
  } finally {
    await closeBrowser();
    clearTimeout(overallTimer);
    summary();
  }
}
