#!/usr/bin/env node
/* field.test.js - the field page in a real browser (issue 10, §6): Debian's
 * chromium driven by puppeteer-core, axe-core on every screen.
 *
 * Starts `schouw serve` on 127.0.0.1 with a free port and a fresh store, signs
 * in through the link of `schouw user add`, logs a kerb ramp with an emulated
 * GPS fix and a photo and reads the verdict; goes offline, logs two more
 * points, comes back online; then asks schouw itself (`list --format json`,
 * `photo list`) that the store holds exactly those three points, once each,
 * with their photos. Every screen must pass axe-core's WCAG 2.2 A/AA rules.
 *
 * Environment: SCHOUW (the binary), SCHOUW_DATA, SW_WORK (scratch),
 * SW_SHOTS (optional: keep phone screenshots there).
 * Exit 0 pass, 1 fail, 77 skip (no chromium or npm packages: scripts/deps.sh). */
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const CHROMIUM = process.env.SW_CHROMIUM || '/usr/bin/chromium';
let puppeteer;
try {
  puppeteer = require('puppeteer-core');
  require.resolve('axe-core/axe.min.js');
} catch (e) {
  console.error('field.test.js: npm packages missing; run scripts/deps.sh (npm ci in tests/browser)');
  process.exit(77);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`field.test.js: ${CHROMIUM} missing; run scripts/deps.sh`);
  process.exit(77);
}
const SCHOUW = process.env.SCHOUW;
if (!SCHOUW) { console.error('field.test.js: SCHOUW must name the built binary'); process.exit(2); }
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const work = process.env.SW_WORK || os.tmpdir();
fs.mkdirSync(work, { recursive: true });
const dir = fs.mkdtempSync(path.join(work, 'browser-'));
const db = path.join(dir, 'store.gpkg');
const env = Object.assign({}, process.env, { SCHOUW_DB: db, SCHOUW_USER: 'tester', LC_ALL: 'C.UTF-8' });
delete env.LANGUAGE;
const schouw = (...args) => execFileSync(SCHOUW, args, { env, cwd: dir, encoding: 'utf8' });

let failures = 0;
function check(cond, what) {
  if (cond) return;
  failures++;
  console.error('FAIL: ' + what);
}

/* A 24x24 PNG of one colour: the smallest image the server takes as a photo. */
function png(r, g, b) {
  const zlib = require('zlib');
  const crcTable = [];
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0; }
  const crc = (buf) => { let c = 0xffffffff; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const w = 24, h = 24;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}

async function axe(page, screen) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG);
  for (const v of r.violations) {
    failures++;
    console.error(`FAIL: axe on ${screen}: ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.error(`    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`);
  }
  /* reflow (WCAG 1.4.10): nothing scrolls sideways at 390 px */
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, `${screen}: the page is ${wide} px wide on a 390 px phone`);
  console.log(`axe ${screen}: ${r.passes.length} rules pass, ${r.violations.length} violations`);
}

async function shot(page, name, fullPage = true) {
  if (!process.env.SW_SHOTS) return;
  fs.mkdirSync(process.env.SW_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(process.env.SW_SHOTS, name + '.png'), fullPage });
}

/* Wait for fn in the page; on a timeout say what was awaited and what the page showed. */
async function waitFor(page, what, fn, arg, timeout = 15000) {
  try {
    await page.waitForFunction(fn, { timeout }, arg);
  } catch (e) {
    const state = await page.evaluate(() => ['gps-status', 'form-error', 'verdict', 'queue']
      .map((i) => document.getElementById(i) ? i + '=' + JSON.stringify(document.getElementById(i).textContent) : '').join(' ')).catch(() => '');
    throw new Error(`waiting for ${what}: ${e.message}; page: ${state}`);
  }
}
const visible = (page, id) => waitFor(page, 'screen ' + id, (i) => !document.getElementById(i).hidden, id);
const textOf = (page, id) => page.$eval('#' + id, (e) => e.textContent);

/* Fill in and save one point from the log screen. */
async function logPoint(page, pt) {
  await page.setGeolocation({ latitude: pt.lat, longitude: pt.lon, accuracy: pt.acc });
  await page.select('#type', 'kerb_ramp');
  await page.click('#gps');
  await waitFor(page, 'a GPS fix', () => /nauwkeurig tot|accurate to/.test(document.getElementById('gps-status').textContent));
  const shown = await page.$eval('#accuracy-confirm', (e) => getComputedStyle(e).display !== 'none');
  check(shown === pt.acc > 10, `the confirmation of a poor fix is ${shown ? 'shown' : 'not shown'} for a ${pt.acc} m fix`);
  if (pt.offlineMap) {
    /* offline, near the last map drawn: that map, the ring where this fix is */
    await visible(page, 'mapbox');
    check(/geen verbinding/.test(await page.$eval('#map', (e) => e.alt)), 'offline: the last map, said so in its text alternative');
    const ext = await page.evaluate('extent');
    const r = await (await page.$('#ring')).boundingBox(), b = await (await page.$('#map')).boundingBox();
    check(ext && ext.length === 6 && ext[4] > ext[0] && ext[4] < ext[2], 'offline: the fix inside the last map: ' + ext);
    check(Math.abs((r.x + r.width / 2 - b.x) / b.width - (ext[4] - ext[0]) / (ext[2] - ext[0])) < 0.02,
      'offline: the ring on the fix');
  }
  if (pt.tap) {
    /* correct the position by tapping the map, right of the middle */
    await visible(page, 'mapbox');
    await waitFor(page, 'the map drawn', () => document.getElementById('map').complete && document.getElementById('map').naturalWidth > 0);
    check(/Kaart van de omgeving/.test(await page.$eval('#map', (e) => e.alt)), 'the map has a text alternative');
    check(await page.evaluate(() => { const l = JSON.parse(localStorage.getItem('lastMap') || 'null');
      return !!l && /^data:image\/png;base64,/.test(l.url) && l.ext.length === 6; }), 'the map kept for offline, across a reload');
    /* the legend is text beside the image, not pixels in it */
    await visible(page, 'legendbox');
    const legend = await page.$$eval('#legend li', (ls) => ls.map((l) => l.textContent));
    check(legend.includes('Gepland') && legend.includes('Afgekeurd'), 'the legend names the statuses: ' + legend);
    check(legend.some((t) => /driehoek|vierkant|cirkel|ruit|ster/.test(t)), 'the legend names the shapes: ' + legend);
    check(await page.$$eval('#legend svg[aria-hidden="true"]', (s) => s.length) >= 5, 'the symbols are decoration');
    if (pt.axe) await axe(page, 'map');
    /* tap pt.tap of the map's width right of the ring that marks the position */
    await page.$eval('#map', (e) => e.scrollIntoView({ block: 'center' }));
    const b = await (await page.$('#map')).boundingBox(), r = await (await page.$('#ring')).boundingBox();
    const ext = await page.evaluate('extent');
    check(ext.length === 6 && Math.abs(ext[4] - 104896.8) < 2, 'the map knows where the position is: ' + ext);
    const rx = r.x + r.width / 2, ry = r.y + r.height / 2;
    check(Math.abs((rx - b.x) / b.width - (ext[4] - ext[0]) / (ext[2] - ext[0])) < 0.02 &&
      Math.abs((ry - b.y) / b.height - (ext[3] - ext[5]) / (ext[3] - ext[1])) < 0.02, 'the ring sits on the position');
    pt.moved = pt.tap * (ext[2] - ext[0]);
    await page.mouse.click(rx + b.width * pt.tap, ry);
    await waitFor(page, 'the position set on the map', () => /op de kaart/.test(document.getElementById('gps-status').textContent));
    if (pt.shot) await shot(page, pt.shot);
  }
  /* the position moved by buttons, with the keyboard: no precise tap needed */
  for (let i = 0; i < (pt.north || 0); i++) {
    await page.focus('[data-nudge="n"]');
    await page.keyboard.press('Enter');
    await waitFor(page, 'the position moved north', () => /5 m naar het noorden/.test(document.getElementById('gps-status').textContent));
  }
  for (const [f, v] of Object.entries(pt.fields)) {
    await page.$eval('#f-' + f, (e) => { e.value = ''; });
    await page.type('#f-' + f, v);
  }
  await page.type('#note', pt.note);
  const input = await page.$('#photos');
  await input.uploadFile(pt.photo);
  await page.click('#save');
  return pt;
}

let first = null;
async function main() {
  schouw('init');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const added = schouw('user', 'add', 'An de Vries', '--url', base, '--qr', path.join(dir, 'an.png'));
  const link = (added.match(/https?:\/\/\S+#t=\S+/) || [])[0];
  check(link, 'user add prints a sign-in link');

  const photos = [];
  for (const [i, c] of [[30, 90, 200], [200, 60, 30], [20, 150, 60]].entries()) {
    photos.push(path.join(dir, `p${i + 1}.png`));
    fs.writeFileSync(photos[i], png(...c));
  }

  const log = fs.openSync(path.join(dir, 'serve.log'), 'w');
  const server = spawn(SCHOUW, ['serve', '--listen', `127.0.0.1:${port}`], { env, cwd: dir, stdio: ['ignore', log, log] });
  let browser = null;
  try {
    for (let i = 0; i < 100 && !/listening/.test(fs.readFileSync(path.join(dir, 'serve.log'), 'utf8')); i++)
      await new Promise((r) => setTimeout(r, 100));
    check(/listening/.test(fs.readFileSync(path.join(dir, 'serve.log'), 'utf8')), 'schouw serve listens');

    const args = ['--lang=nl-NL'];
    if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args,
      userDataDir: path.join(dir, 'chromium'), env: Object.assign({}, process.env, { LANG: 'nl_NL.UTF-8', LANGUAGE: 'nl' }) });
    const ctx = browser.defaultBrowserContext();
    await ctx.overridePermissions(base, ['geolocation']);
    const page = await browser.newPage();
    /* a Dutch phone: the page's language follows navigator.language */
    await page.evaluateOnNewDocument(() => {
      Object.defineProperty(navigator, 'language', { get: () => 'nl-NL' });
      Object.defineProperty(navigator, 'languages', { get: () => ['nl-NL', 'nl'] });
    });
    page.setDefaultTimeout(15000);
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    page.on('pageerror', (e) => { failures++; console.error('FAIL: page error: ' + e.message); });

    /* the sign-in screen, with a wrong code */
    await page.goto(base + '/', { waitUntil: 'networkidle0' });
    await visible(page, 'signin');
    await axe(page, 'sign-in');
    await page.type('#token', 'not-a-token');
    await page.click('#signin-form button');
    await page.waitForSelector('#signin-form .error');
    await axe(page, 'sign-in refused');
    await shot(page, 'signin');

    /* sign in through the link, opened as a scanned QR code opens it */
    await page.goto('about:blank');
    await page.goto(link, { waitUntil: 'networkidle0' });
    await visible(page, 'log');
    check(!(await page.url()).includes('#t='), 'the token leaves the address bar');
    check((await textOf(page, 'who')).includes('An de Vries'), 'signed in as An de Vries');
    const cookies = await page.cookies();
    check(cookies.some((c) => c.httpOnly && c.secure && c.sameSite === 'Strict'), 'session cookie HttpOnly, Secure, SameSite=Strict');
    await axe(page, 'new point');

    /* one point online, with a photo: the verdict on the spot */
    first = await logPoint(page, { lat: 51.81431, lon: 4.66060, acc: 4, note: 'punt 1 bij de Grote Kerk', photo: photos[0],
      tap: 0.1, north: 2, axe: true, shot: 'map', fields: { running_slope_pct: '8', cross_slope_pct: '3,5' } });
    await waitFor(page, 'the verdict', () => /Oordeel/.test(document.getElementById('verdict').textContent));
    const verdict = await textOf(page, 'verdict');
    check(/Dwarshelling 3,5 %/.test(verdict) && /hoogstens 2 %/.test(verdict), 'verdict in words: ' + verdict);
    await axe(page, 'verdict');
    await shot(page, 'verdict');
    /* what the surveyor sees after saving: the phone's screen, verdict at the bottom */
    await page.evaluate(() => document.getElementById('verdict').scrollIntoView({ block: 'end' }));
    await shot(page, 'veld', false);

    /* offline: two more points wait on the phone */
    await page.setOfflineMode(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await logPoint(page, { lat: 51.81455, lon: 4.66110, acc: 6, note: 'punt 2 offline', photo: photos[1],
      offlineMap: true, fields: { running_slope_pct: '5', cross_slope_pct: '1' } });
    await waitFor(page, 'the point queued', () => /Geen verbinding/.test(document.getElementById('verdict').textContent));
    /* a poor fix needs a confirmation first */
    await logPoint(page, { lat: 51.81470, lon: 4.66020, acc: 35, note: 'punt 3 offline', photo: photos[2],
      fields: { running_slope_pct: '12', cross_slope_pct: '2' } });
    await waitFor(page, 'a request to confirm', () => document.getElementById('form-error').textContent !== '');
    check(await page.$eval('#accuracy-confirm', (e) => getComputedStyle(e).display !== 'none'), 'a 35 m fix asks for a confirmation');
    await axe(page, 'poor fix');
    await shot(page, 'poor-fix');
    await page.click('#accept-accuracy');
    await page.click('#save');
    await waitFor(page, 'two points waiting', () => /^2 /.test(document.getElementById('queue').textContent));
    check(/2 punt/.test(await textOf(page, 'queue')), 'two points waiting: ' + (await textOf(page, 'queue')));
    await axe(page, 'offline queue');
    await shot(page, 'offline');

    /* back online: the queue empties */
    await page.setOfflineMode(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitFor(page, 'the queue sent', () => /Niets te versturen/.test(document.getElementById('queue').textContent), undefined, 30000);

    /* nearby list and a point's details */
    await page.click('#nav-near');
    await waitFor(page, 'three points nearby', () => document.querySelectorAll('#near-list button').length === 3);
    await axe(page, 'nearby');
    await shot(page, 'nearby');
    await page.click('#near-list button');
    await visible(page, 'detail');
    await waitFor(page, 'the photos shown', () => document.querySelectorAll('#detail-photos img').length > 0 &&
      [...document.querySelectorAll('#detail-photos img')].every((i) => i.complete));
    await axe(page, 'point details');
    await shot(page, 'detail');

    /* a send that never got its answer is sent again: still one copy */
    await page.evaluate(async () => {
      const p = { uuid: crypto.randomUUID(), type: 'kerb_ramp', lat: 51.8144, lon: 4.6607, fields: {}, note: 'resend' };
      for (let i = 0; i < 3; i++)
        await fetch('/api/points', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p) });
    });
  } finally {
    if (browser) await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.exitCode !== null ? r() : server.on('exit', r));
  }

  /* the store, through schouw itself */
  const pts = JSON.parse(schouw('list', '--format', 'json'));
  const list = Array.isArray(pts) ? pts : pts.points;
  const notes = list.map((p) => p.note).sort();
  check(JSON.stringify(notes) === JSON.stringify(['punt 1 bij de Grote Kerk', 'punt 2 offline', 'punt 3 offline', 'resend']),
    'the store holds exactly the logged points once each: ' + JSON.stringify(notes));
  check(new Set(list.map((p) => p.uuid)).size === list.length, 'distinct uuids');
  /* the queue is sent in the order the points were logged */
  const byId = list.slice().sort((a, b) => a.id - b.id).map((p) => p.note);
  check(JSON.stringify(byId.slice(0, 3)) === JSON.stringify(['punt 1 bij de Grote Kerk', 'punt 2 offline', 'punt 3 offline']),
    'points stored in the order logged: ' + JSON.stringify(byId));
  for (const p of list) {
    check(p.surveyor === 'An de Vries', `point ${p.id} recorded for the token's surveyor`);
    if (p.note === 'resend') continue;
    const out = schouw('photo', 'list', String(p.id));
    const rows = out.split('\n').filter((l) => /image\/png/.test(l));
    check(rows.length === 1, `point ${p.id} (${p.note}) has its one photo: ${out.trim()}`);
  }
  /* tapped right of the GPS fix (x 104896.8 in RD New) */
  const p1 = list.find((p) => p.note === 'punt 1 bij de Grote Kerk');
  check(p1 && first.moved > 10 && Math.abs(p1.x - 104896.8 - first.moved) < 3, `the tap on the map moved point 1 east: ${p1 && p1.x},${p1 && p1.y}`);
  check(p1 && Math.abs(p1.y - 425326.7 - 10) < 1.5, `two presses of North moved point 1 10 m north: ${p1 && p1.y}`);
  const p3 = list.find((p) => p.note === 'punt 3 offline');
  check(p3 && Number(p3.gps_accuracy_m) === 35, 'the poor fix is kept with its accuracy');
}

main().then(() => {
  if (failures) { console.error(`field.test.js: ${failures} failure(s); work dir ${dir}`); process.exit(1); }
  console.log('field.test.js: all passed');
  fs.rmSync(dir, { recursive: true, force: true });
}, (e) => { console.error('FAIL: ' + (e && e.stack || e)); console.error('work dir ' + dir); process.exit(1); });
