// camguard browser tests: the dashboard (gateway/www) in Debian's Chromium,
// driven by Playwright (npm playwright-core, tests/browser/package.json;
// scripts/setup-npm.sh installs it), against the real gateway binary with
// test cameras. Run by `meson test` (suite browser); TAP on stdout.
//
// Screenshots go to the build tree; with CAMGUARD_UPDATE_SCREENSHOTS=1
// (scripts/update-screenshots.sh) also to docs/images/, so that ordinary
// test runs leave the source tree alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gateway } from './gateway.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sourceRoot = process.env.CAMGUARD_SOURCE_ROOT || join(here, '..', '..');
const buildRoot = process.env.CAMGUARD_BUILD_ROOT || join(sourceRoot, 'build');
const CHROMIUM = process.env.CAMGUARD_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 20000;

function findPlaywright() {
  try {
    return createRequire(join(here, 'package.json'))('playwright-core');
  } catch (e) {
    return null;
  }
}

const playwright = findPlaywright();
const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (Debian package chromium)`
  : !playwright ? 'npm playwright-core is not installed in tests/browser (sh scripts/setup-npm.sh)'
    : null;
const opts = missing ? { skip: missing } : {};

// What Chromium needs for loopback WebRTC in a headless test
// (shared/reference/gateway-platform.md §3), and no traffic off the box.
function chromiumArgs() {
  const args = [
    '--allow-loopback-in-peer-connection',
    '--use-fake-ui-for-media-stream',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (process.getuid && process.getuid() === 0)
    args.push('--no-sandbox');
  return args;
}

const screenshotDirs = [join(buildRoot, 'tests', 'browser', 'screenshots')];
if (process.env.CAMGUARD_UPDATE_SCREENSHOTS === '1')
  screenshotDirs.push(join(sourceRoot, 'docs', 'images'));

async function screenshot(page, name) {
  for (const dir of screenshotDirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name), fullPage: true });
  }
}

let gw;
let browser;
let keys = {};
let cameras = [];
let catalogue = new Map();
let adminPage;
let routes = new Set();
const consoleErrors = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return page;
}

async function login(page, key) {
  await page.goto(gw.base + '/');
  await page.locator('#login-key').fill(key);
  await page.locator('#login-form button[type=submit]').click();
}

const card = (page, id) => page.locator(`.card[data-camera="${id}"]`);

before(async () => {
  if (missing)
    return;
  gw = new Gateway(buildRoot, sourceRoot);
  keys.admin = gw.createKey('admin');
  keys.viewer = gw.createKey('viewer');
  await gw.start();
  cameras = (await gw.request('GET', '/api/v1/cameras', keys.admin)).json.cameras.map((c) => c.id);
  for (const e of (await gw.request('GET', '/api/v1/errors', keys.admin)).json.errors)
    catalogue.set(e.code, e);
  routes = new Set((await gw.request('GET', '/api/v1/whoami', keys.admin)).json.routes);
  browser = await playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
  adminPage = await newPage();
});

after(async () => {
  if (browser)
    await browser.close();
  if (gw) {
    const status = await gw.stop();
    assert.deepEqual(status, { code: 0, signal: null }, `the gateway's exit:\n${gw.log}`);
  }
  if (consoleErrors.length)
    console.log('# browser console errors:\n# ' + consoleErrors.join('\n# '));
});

test('a bad key is refused with the catalogue message', opts, async () => {
  await login(adminPage, 'cgk_not-a-key');
  const err = adminPage.locator('#login-error');
  await err.waitFor({ state: 'visible', timeout: WAIT_MS });
  const text = await err.textContent();
  assert.ok(text.includes('INVALID_API_KEY'), text);
  assert.ok(text.includes(catalogue.get('INVALID_API_KEY').message), text);
  assert.equal(await adminPage.locator('#dashboard').isVisible(), false);
  await screenshot(adminPage, 'dashboard-login.png');
});

test('the admin sees every camera, running, with every control', opts, async () => {
  await login(adminPage, keys.admin);
  await adminPage.locator('#dashboard').waitFor({ state: 'visible', timeout: WAIT_MS });
  for (const id of cameras) {
    await card(adminPage, id).waitFor({ timeout: WAIT_MS });
    await assertVisible(card(adminPage, id).locator('.start'));
    await assertVisible(card(adminPage, id).locator('.stop'));
    await assertVisible(card(adminPage, id).locator('.snapshot'));
  }
  assert.equal(await adminPage.locator('.card').count(), cameras.length);
  await card(adminPage, 'ball').locator('.badge[data-state="running"]').waitFor({ timeout: WAIT_MS });
  // the key stays in this tab only
  const stored = await adminPage.evaluate(() => sessionStorage.getItem('camguard.key'));
  assert.equal(stored, keys.admin);
  await adminPage.locator('#ws-state[data-state="open"]').waitFor({ timeout: WAIT_MS });
});

async function assertVisible(locator) {
  assert.equal(await locator.isVisible(), true, `${locator} is not visible`);
}

test('live video plays over WebRTC (WHEP)', opts, async (t) => {
  if (!routes.has('POST /api/v1/cameras/{id}/whep'))
    return t.skip('this gateway has no WHEP route (POST /api/v1/cameras/{id}/whep)');
  const c = card(adminPage, 'ball');
  await adminPage.locator('.card[data-camera="ball"][data-live="webrtc"]').waitFor({ timeout: WAIT_MS });
  const shown = await adminPage.waitForFunction(() => {
    const video = document.querySelector('.card[data-camera="ball"] video');
    if (!video.srcObject || video.videoWidth === 0)
      return null;
    return { width: video.videoWidth, height: video.videoHeight };
  }, null, { timeout: WAIT_MS });
  const size = await shown.jsonValue();
  assert.deepEqual(size, { width: 640, height: 360 });
  // frames are decoded, and keep coming (getStats, shown on the card)
  const decoded = async () => parseInt(await c.getAttribute('data-frames-decoded') || '0', 10);
  await adminPage.locator('.card[data-camera="ball"][data-frames-decoded]').waitFor({ timeout: WAIT_MS });
  const first = await decoded();
  assert.ok(first > 0, `framesDecoded ${first}`);
  for (let i = 0; i < 100 && (await decoded()) <= first; i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.ok((await decoded()) > first, 'frames keep being decoded');
  // another tab watches too: one more viewer; it logs out: DELETE, one less
  const viewers = async () => (await gw.request('GET', '/api/v1/cameras/ball/status', keys.admin)).json.live.viewers;
  const before = await viewers();
  assert.ok(before >= 1, `viewers ${before}`);
  const other = await newPage();
  const t0 = Date.now();
  await login(other, keys.admin);
  await other.locator('.card[data-camera="ball"][data-frames-decoded]').waitFor({ timeout: WAIT_MS });
  t.diagnostic(`login to the first WebRTC frame decoded: ${Date.now() - t0} ms`);
  assert.equal(await viewers(), before + 1);
  await other.locator('#logout').click();
  for (let i = 0; i < 100 && (await viewers()) !== before; i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(await viewers(), before, 'the viewer ended with DELETE on its Location');
  await other.context().close();
});

test('every camera shows its picture, in the best mode the gateway has', opts, async () => {
  const c = card(adminPage, 'bars');
  const handle = await adminPage.waitForFunction(() => {
    const card = document.querySelector('.card[data-camera="bars"]');
    const img = card.querySelector('img.still');
    const video = card.querySelector('video');
    if (card.dataset.live === 'webrtc')
      return video.videoWidth > 0 ? { mode: 'webrtc', width: video.videoWidth } : null;
    return !img.hidden && img.naturalWidth > 0 ? { mode: card.dataset.live, width: img.naturalWidth } : null;
  }, null, { timeout: WAIT_MS });
  const shown = await handle.jsonValue();
  assert.equal(shown.width, 640);
  const best = routes.has('POST /api/v1/cameras/{id}/whep') ? 'webrtc'
    : routes.has('GET /api/v1/cameras/{id}/mjpeg') ? 'mjpeg' : 'snapshots';
  assert.equal(shown.mode, best, 'the page uses the best mode the gateway has');
  if (shown.mode !== 'webrtc') {
    // the picture moves on: a new frame replaces the one shown
    const first = await c.locator('img.still').getAttribute('src');
    await adminPage.waitForFunction((src) => {
      const img = document.querySelector('.card[data-camera="bars"] img.still');
      return img.src !== src && img.naturalWidth > 0;
    }, first, { timeout: WAIT_MS });
  }
});

test('a fault turns the badge to retrying, then back to running', opts, async () => {
  // every state the badge shows, however briefly (a retry can be short)
  await adminPage.evaluate(() => {
    const el = document.querySelector('.card[data-camera="drill"] .badge');
    window.drillStates = [el.dataset.state];
    new MutationObserver(() => window.drillStates.push(el.dataset.state))
      .observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
  await card(adminPage, 'drill').locator('.badge[data-state="retrying"]').waitFor({ timeout: WAIT_MS }).catch(() => {});
  await screenshot(adminPage, 'dashboard-retrying.png');
  const seen = await adminPage.waitForFunction(() => {
    const s = window.drillStates;
    const i = s.indexOf('retrying');
    return i >= 0 && s.indexOf('running', i) > i ? s : null;
  }, null, { timeout: WAIT_MS });
  const states = await seen.jsonValue();
  assert.ok(states.includes('retrying'), JSON.stringify(states));
  // the event log has the loss with its code and the catalogue's hint
  const row = adminPage.locator('#events tr[data-camera="drill"][data-code="CAMERA_DISCONNECTED"]').first();
  await row.waitFor({ timeout: WAIT_MS });
  assert.equal(await row.locator('td.hint').textContent(), catalogue.get('CAMERA_DISCONNECTED').hint);
});

test('a snapshot downloads from the page', opts, async () => {
  const [download] = await Promise.all([
    adminPage.waitForEvent('download', { timeout: WAIT_MS }),
    card(adminPage, 'ball').locator('.snapshot').click(),
  ]);
  assert.match(download.suggestedFilename(), /^ball-.*\.jpg$/);
  const path = await download.path();
  const bytes = readFileSync(path);
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8);
});

test('start and stop from the page', opts, async () => {
  const c = card(adminPage, 'bars');
  await c.locator('.stop').click();
  await c.locator('.badge[data-state="stopped"]').waitFor({ timeout: WAIT_MS });
  await c.locator('.start').click();
  await c.locator('.badge[data-state="running"]').waitFor({ timeout: WAIT_MS });
});

test('quality step control', opts, async () => {
  const c = card(adminPage, 'ball');
  await c.locator('.quality').waitFor({ state: 'visible', timeout: WAIT_MS });
  // the steps the gateway's quality answer names (ball's ladder)
  const q0 = (await gw.request('GET', '/api/v1/cameras/ball/quality', keys.admin)).json;
  assert.deepEqual(q0.steps, ['full', 'small']);
  assert.deepEqual(await c.locator('.quality-step option').allTextContents(), ['0: full', '1: small']);
  await c.locator('.quality-step').selectOption('1');
  let q;
  for (let i = 0; i < 100; i++) {
    q = (await gw.request('GET', '/api/v1/cameras/ball/quality', keys.admin)).json;
    if (q.step === 1)
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual({ mode: q.mode, step: q.step }, { mode: 'manual', step: 1 });
  // the step down is a QUALITY_DEGRADED event: the badge says degraded
  await c.locator('.badge[data-state="degraded"]').waitFor({ timeout: WAIT_MS });
  await adminPage.locator('#events tr[data-camera="ball"][data-code="QUALITY_DEGRADED"]').first().waitFor({ timeout: WAIT_MS });
  await screenshot(adminPage, 'dashboard-degraded.png');
  await c.locator('.quality-step').selectOption('0');
  await c.locator('.quality-mode').selectOption('auto');
  await c.locator('.badge[data-state="running"]').waitFor({ timeout: WAIT_MS });
});

test('a recording can be taken from the page', opts, async (t) => {
  if (!routes.has('POST /api/v1/cameras/{id}/recordings'))
    return t.skip('this gateway has no recordings route (POST /api/v1/cameras/{id}/recordings)');
  const c = card(adminPage, 'ball');
  await c.locator('.rec-start').click();
  await c.locator('.rec-stop').waitFor({ state: 'visible', timeout: WAIT_MS });
  await new Promise((r) => setTimeout(r, 2000));
  await c.locator('.rec-state').filter({ hasText: 'recording' }).waitFor({ timeout: WAIT_MS });
  await c.locator('.rec-stop').click();
  await c.locator('.rec-start').waitFor({ state: 'visible', timeout: WAIT_MS });
  const list = (await gw.request('GET', '/api/v1/cameras/ball/recordings', keys.admin)).json;
  assert.equal(list.files.length, 1, JSON.stringify(list));
  const file = list.files[0];
  assert.ok(file.finalized && file.size > 0, JSON.stringify(file));
  // the page offers it for download: an MP4 (ftyp box first)
  const [download] = await Promise.all([
    adminPage.waitForEvent('download', { timeout: WAIT_MS }),
    c.locator('.rec-download').click(),
  ]);
  assert.equal(download.suggestedFilename(), file.name);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.length, file.size);
  assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
});

test('dashboard screenshot', opts, async () => {
  for (const id of cameras)
    await card(adminPage, id).locator('.badge[data-state="running"]').waitFor({ timeout: WAIT_MS });
  await screenshot(adminPage, 'dashboard.png');
});

test('a viewer sees no start, stop or quality controls', opts, async () => {
  const page = await newPage();
  await login(page, keys.viewer);
  await page.locator('#dashboard').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await page.locator('#who').getAttribute('data-role'), 'viewer');
  for (const id of cameras)
    await card(page, id).locator('.badge[data-state="running"]').waitFor({ timeout: WAIT_MS });
  assert.equal(await page.locator('.card').count(), cameras.length);
  for (const id of cameras) {
    const c = card(page, id);
    assert.equal(await c.locator('.start').isVisible(), false);
    assert.equal(await c.locator('.stop').isVisible(), false);
    assert.equal(await c.locator('.rec-start').isVisible(), false);
    assert.equal(await c.locator('.quality').isVisible(), false);
    assert.equal(await c.locator('.snapshot').isVisible(), true);
  }
  await screenshot(page, 'dashboard-viewer.png');
  await page.context().close();
});
