/* schouw field page: generated from /api/forms, offline queue in IndexedDB,
 * Dutch by default, English when the phone's language is English. */
'use strict';
const EN = (navigator.language || 'nl').toLowerCase().startsWith('en');
const T = {
  nl: {}, // the HTML is Dutch
  en: {
    skip: 'Skip to content', title: 'schouw — in the field', menu: 'Main menu', nav_log: 'New point',
    nav_near: 'Nearby', signin_h: 'Sign in', signin_p: 'Scan the QR code you received, or paste the sign-in code.',
    token: 'Sign-in code', signin_b: 'Sign in', log_h: 'New point', type: 'Type', position: 'Position',
    gps_b: 'Find my position', accept_acc: 'Use this inaccurate position anyway',
    map_help: 'Position wrong? Tap the right spot on the map.', note: 'Note', photos: 'Photos', save: 'Save',
    queue_h: 'Waiting to be sent', near_h: 'Nearby', refresh: 'Refresh', history: 'History', back: 'Back to the list',
    legend_h: 'What the symbols on the map mean: colour and fill tell the status, the shape the kind of element.',
    nudge_h: 'Or move the position by 5 metres:', nudge_n: 'North', nudge_e: 'East', nudge_s: 'South', nudge_w: 'West',
  },
};
const M = {
  gps_wait: ['Positie wordt bepaald…', 'Finding your position…'],
  gps_ok: ['Positie gevonden, nauwkeurig tot %s m.', 'Position found, accurate to %s m.'],
  gps_bad: ['Let op: positie is maar nauwkeurig tot %s m (grens %t m). Wacht even en probeer opnieuw, tik op de kaart, of bevestig hieronder.',
            'Careful: the position is only accurate to %s m (limit %t m). Wait and try again, tap the map, or confirm below.'],
  gps_none: ['Geen positie: %s', 'No position: %s'],
  map_set: ['Positie gezet op de kaart.', 'Position set on the map.'],
  nudged: ['Positie %s m naar het %t verschoven.', 'Position moved %s m %t.'],
  dir_n: ['noorden', 'north'], dir_e: ['oosten', 'east'], dir_s: ['zuiden', 'south'], dir_w: ['westen', 'west'],
  need_pos: ['Bepaal eerst de positie.', 'Find the position first.'],
  need_conf: ['Bevestig de onnauwkeurige positie of bepaal haar opnieuw.', 'Confirm the inaccurate position or find it again.'],
  queued: ['Geen verbinding: het punt is bewaard en wordt verstuurd zodra er verbinding is.', 'No connection: the point is kept and will be sent when the connection returns.'],
  saved: ['Opgeslagen.', 'Saved.'],
  waiting: ['%n punt(en) wachten op verbinding.', '%n point(s) waiting for a connection.'],
  none_waiting: ['Niets te versturen.', 'Nothing waiting.'],
  verdict: ['Oordeel', 'Verdict'],
  signed_in: ['Aangemeld als %s', 'Signed in as %s'],
  bad_token: ['Deze aanmeldcode werkt niet (ingetrokken of verkeerd).', 'This sign-in code does not work (revoked or wrong).'],
  none_near: ['Geen punten in de buurt.', 'No points nearby.'],
  photo: ['Foto %n', 'Photo %n'],
  yes: ['ja', 'yes'], no: ['nee', 'no'], choose: ['— kies —', '— choose —'],
  required: ['(verplicht)', '(required)'],
};
const m = (k, a) => (M[k][EN ? 1 : 0]).replace('%s', a && a.s).replace('%t', a && a.t).replace('%n', a && a.n);
const $ = (id) => document.getElementById(id);
/* numbers with the page's decimal sign, times in the phone's zone */
const num = (v) => (typeof v === 'number' || /^-?[0-9]+\.[0-9]+$/.test(v)) && !EN ? String(v).replace('.', ',') : String(v);
const when = (t) => { const d = new Date(t); return isNaN(d) ? t : d.toLocaleString(EN ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeStyle: 'short' }); };
const label = (o) => (EN ? o.label_en : o.label_nl) || o.name;
let forms = null, me = null, pos = null, extent = null;

function translate() {
  if (!EN) return;
  document.documentElement.lang = 'en';
  document.querySelectorAll('[data-t]').forEach((e) => { const t = T.en[e.dataset.t]; if (t) e.textContent = t; });
  document.querySelectorAll('[data-t-aria]').forEach((e) => { const t = T.en[e.dataset.tAria]; if (t) e.setAttribute('aria-label', t); });
}

function show(id) {
  for (const s of ['signin', 'log', 'near', 'detail']) $(s).hidden = s !== id;
  $('nav-log').setAttribute('aria-current', id === 'log' ? 'page' : 'false');
  $('nav-near').setAttribute('aria-current', id === 'near' || id === 'detail' ? 'page' : 'false');
  document.querySelector('nav').hidden = id === 'signin';
}

async function api(path, opts = {}) {
  const r = await fetch(path, Object.assign({ credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'Accept-Language': EN ? 'en' : 'nl' } }, opts));
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  return { status: r.status, body };
}

/* ---- IndexedDB queue of unsent points (with their photos as data URLs) ---- */
function db() {
  return new Promise((res, rej) => {
    const q = indexedDB.open('schouw', 1);
    q.onupgradeneeded = () => q.result.createObjectStore('queue', { keyPath: 'uuid' });
    q.onsuccess = () => res(q.result);
    q.onerror = () => rej(q.error);
  });
}
async function qop(mode, fn) {
  const d = await db();
  return new Promise((res, rej) => {
    const t = d.transaction('queue', mode); const r = fn(t.objectStore('queue'));
    t.oncomplete = () => res(r && r.result); t.onerror = () => rej(t.error);
  });
}
const qput = (p) => qop('readwrite', (s) => s.put(p));
const qdel = (u) => qop('readwrite', (s) => s.delete(u));
const qall = () => qop('readonly', (s) => s.getAll());

async function showQueue() {
  const all = await qall();
  $('queue').textContent = all.length ? m('waiting', { n: all.length }) : m('none_waiting');
}

let flushing = false;
async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  try {
    /* in the order they were logged (the queue is keyed by uuid) */
    const waiting = (await qall()).sort((a, b) => (a.observed_at < b.observed_at ? -1 : a.observed_at > b.observed_at ? 1 : 0));
    for (const p of waiting) {
      let r;
      try { r = await api('/api/points', { method: 'POST', body: JSON.stringify(p) }); } catch (e) { break; }
      if (r.status === 200 || r.status === 201) { await qdel(p.uuid); showVerdict(r.body); }
      else if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 429) { await qdel(p.uuid); $('form-error').textContent = r.body && r.body.error; }
      else break;
    }
  } finally { flushing = false; showQueue(); }
}

/* ---- the form, from /api/forms ---- */
function buildFields() {
  const t = forms.types.find((x) => x.type === $('type').value);
  const box = $('fields'); box.textContent = '';
  for (const f of t.fields) {
    const id = 'f-' + f.name;
    const lab = document.createElement('label'); lab.htmlFor = id;
    lab.textContent = label(f) + (f.unit ? ' (' + f.unit + ')' : '') + (f.required ? ' ' + m('required') : '');
    box.appendChild(lab);
    let el;
    if (f.kind === 'enum' || f.kind === 'bool') {
      el = document.createElement('select');
      const opts = f.kind === 'bool' ? [['', m('choose')], ['true', m('yes')], ['false', m('no')]] : [['', m('choose')]].concat(f.values.map((v) => [v, v]));
      for (const [v, l] of opts) { const o = document.createElement('option'); o.value = v; o.textContent = l; el.appendChild(o); }
    } else {
      el = document.createElement('input');
      if (f.kind === 'number' || f.kind === 'integer') { el.inputMode = 'decimal'; el.type = 'text'; }
    }
    el.id = id; el.name = f.name; el.dataset.kind = f.kind;
    if (f.required) el.required = true;
    if (f.help) { const h = document.createElement('p'); h.className = 'help'; h.id = id + '-help'; h.textContent = f.help; el.setAttribute('aria-describedby', h.id); box.appendChild(el); box.appendChild(h); }
    else box.appendChild(el);
  }
}

/* The map's symbol of a status (statuses.ini: colour and fill) as a small
 * SVG beside its name: the map image carries no legend of its own, so the
 * page says in text what the colours mean (the symbol is decoration). */
const SVGNS = 'http://www.w3.org/2000/svg';
function svgEl(name, attrs) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
function statusSymbol(st) {
  const c = st.color || '#555', svg = svgEl('svg', { width: 28, height: 28, viewBox: '0 0 28 28', 'aria-hidden': 'true', focusable: 'false' });
  const fill = st.fill || 'solid';
  svg.appendChild(svgEl('circle', { cx: 14, cy: 14, r: 10, fill: fill === 'solid' ? c : '#fff', stroke: fill === 'solid' ? '#111' : c, 'stroke-width': fill === 'solid' ? 1.5 : 3 }));
  if (fill === 'half') svg.appendChild(svgEl('path', { d: 'M14 4 A10 10 0 0 0 14 24 Z', fill: c }));
  if (fill === 'dot') svg.appendChild(svgEl('circle', { cx: 14, cy: 14, r: 4, fill: c }));
  if (fill === 'cross') svg.appendChild(svgEl('path', { d: 'M8 8 L20 20 M20 8 L8 20', stroke: c, 'stroke-width': 3 }));
  return svg;
}
function buildLegend() {
  const ul = $('legend'); ul.textContent = '';
  for (const st of forms.statuses) {
    const li = document.createElement('li');
    li.appendChild(statusSymbol(st));
    li.appendChild(document.createTextNode(label(st)));
    ul.appendChild(li);
  }
  for (const t of forms.types) {
    const li = document.createElement('li');
    li.appendChild(document.createTextNode(`${label(t)}: ${EN ? t.symbol : SHAPE_NL[t.symbol] || t.symbol}`));
    ul.appendChild(li);
  }
}
const SHAPE_NL = { circle: 'cirkel', square: 'vierkant', triangle: 'driehoek', diamond: 'ruit', star: 'ster' };

async function loadForms() {
  let r = null;
  try { r = await api('/api/forms'); } catch (e) { r = null; }
  if (r && r.status === 200) { forms = r.body; localStorage.setItem('forms', JSON.stringify(forms)); }
  else if (localStorage.getItem('forms')) forms = JSON.parse(localStorage.getItem('forms'));
  if (!forms) return false;
  const sel = $('type'); sel.textContent = '';
  for (const t of forms.types) { const o = document.createElement('option'); o.value = t.type; o.textContent = label(t); sel.appendChild(o); }
  buildLegend();
  buildFields();
  return true;
}

/* ---- position ---- */
function setPos(lat, lon, acc, how, said) {
  pos = { lat, lon, acc };
  $('nudge').hidden = false;
  const thr = (me && me.accuracy_threshold_m) || 10;
  const bad = acc != null && acc > thr;
  $('accuracy-confirm').hidden = !bad;
  $('accept-accuracy').checked = false;
  $('gps-status').textContent = said || (how === 'map' ? m('map_set') : bad ? m('gps_bad', { s: Math.round(acc), t: thr }) : m('gps_ok', { s: Math.round(acc) }));
  loadMap();
}
/* A position moved by buttons, 5 m a press: for whoever cannot tap a spot
 * on the map precisely, and offline, where there is no map (WCAG 2.5.7). */
const NUDGE_M = 5;
function nudge(dir) {
  if (!pos) return;
  const dy = dir === 'n' ? NUDGE_M : dir === 's' ? -NUDGE_M : 0, dx = dir === 'e' ? NUDGE_M : dir === 'w' ? -NUDGE_M : 0;
  setPos(pos.lat + dy / 111320, pos.lon + dx / (111320 * Math.cos(pos.lat * Math.PI / 180)), 1, 'nudge',
    m('nudged', { s: NUDGE_M, t: m('dir_' + dir) }));
}
function gps() {
  $('gps-status').textContent = m('gps_wait');
  navigator.geolocation.getCurrentPosition(
    (p) => setPos(p.coords.latitude, p.coords.longitude, p.coords.accuracy, 'gps'),
    (e) => { $('gps-status').textContent = m('gps_none', { s: e.message }); },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
}
/* The last map drawn (online), kept for offline, also across a reload (as
 * a data: URL in localStorage): a position inside it is shown on it,
 * placed by the metres from the position it was drawn for. */
let lastMap = null;
try { lastMap = JSON.parse(localStorage.getItem('lastMap')); } catch (e) { lastMap = null; }
function showMap(url, ext, offline) {
  extent = ext;
  const img = $('map'), ring = $('ring');
  /* the ring marks the position, which is not the image's centre */
  ring.style.left = (100 * (ext[4] - ext[0]) / (ext[2] - ext[0])) + '%';
  ring.style.top = (100 * (ext[3] - ext[5]) / (ext[3] - ext[1])) + '%';
  img.src = url;
  img.alt = (EN ? 'Map of the surroundings; the current position is the black and white ring. Tap to correct it.'
    : 'Kaart van de omgeving; de huidige positie is de zwart-witte ring. Tik om haar te verbeteren.') +
    (offline ? (EN ? ' (The last map drawn: no connection.)' : ' (De laatst getekende kaart: geen verbinding.)') : '');
  $('mapbox').hidden = false;
  $('legendbox').hidden = false;
}
function showLastMap(want) {
  const hide = () => { $('mapbox').hidden = true; $('legendbox').hidden = true; extent = null; };
  if (!lastMap) return hide();
  const e = lastMap.ext, x = e[4] + (want.lon - lastMap.lon) * 111320 * Math.cos(lastMap.lat * Math.PI / 180),
    y = e[5] + (want.lat - lastMap.lat) * 111320;
  if (x < e[0] || x > e[2] || y < e[1] || y > e[3]) return hide();
  showMap(lastMap.url, [e[0], e[1], e[2], e[3], x, y], true);
}
async function loadMap() {
  const want = pos;
  if (!want) return;
  if (!navigator.onLine) return showLastMap(want);
  try {
    const r = await fetch(`/api/map.png?lat=${want.lat}&lon=${want.lon}&radius=60&width=480`,
      { credentials: 'same-origin', headers: { 'Accept-Language': EN ? 'en' : 'nl' } });
    if (!r.ok || pos !== want) return; /* saved or moved meanwhile: not this map */
    const ext = (r.headers.get('X-Schouw-Extent') || '').split(',').map(Number);
    const url = await readPhoto(await r.blob());
    if (pos !== want) return;
    lastMap = { url, ext, lat: want.lat, lon: want.lon };
    try { localStorage.setItem('lastMap', JSON.stringify(lastMap)); } catch (e) { /* full: for this visit only */ }
    showMap(url, ext, false);
  } catch (e) { showLastMap(want); /* the connection went meanwhile */ }
}
function mapTap(ev) {
  if (!extent || extent.length !== 6 || !pos) return;
  const img = $('map'), b = img.getBoundingClientRect();
  const fx = (ev.clientX - b.left) / b.width, fy = (ev.clientY - b.top) / b.height;
  const x = extent[0] + fx * (extent[2] - extent[0]), y = extent[3] - fy * (extent[3] - extent[1]);
  /* RD offset from the position the map was drawn for, applied in degrees (small distances) */
  const lat = pos.lat + (y - extent[5]) / 111320, lon = pos.lon + (x - extent[4]) / (111320 * Math.cos(pos.lat * Math.PI / 180));
  setPos(lat, lon, 1, 'map');
}

const readPhoto = (f) => new Promise((res, rej) => { const r = new FileReader(); r.onload = () => res(r.result); r.onerror = () => rej(r.error); r.readAsDataURL(f); });

function showVerdict(p) {
  const v = p && p.verdict; const box = $('verdict'); box.textContent = '';
  if (!v) return;
  const d = document.createElement('div'); d.className = 'verdict ' + (v.outcome || '');
  const h = document.createElement('p'); h.innerHTML = '';
  const strong = document.createElement('strong'); strong.textContent = m('verdict') + ': ' + v.summary; h.appendChild(strong);
  d.appendChild(h);
  const ul = document.createElement('ul');
  for (const f of v.findings || []) { const li = document.createElement('li'); li.textContent = f.text + (f.message ? ' (' + f.message + ')' : ''); ul.appendChild(li); }
  d.appendChild(ul); box.appendChild(d);
}

/* after a save: an empty form for the next point of the same type */
function resetForm() {
  const type = $('type').value;
  $('log-form').reset(); $('type').value = type; buildFields();
}

async function save(ev) {
  ev.preventDefault();
  $('form-error').textContent = '';
  if (!pos) { $('form-error').textContent = m('need_pos'); return; }
  if (!$('accuracy-confirm').hidden && !$('accept-accuracy').checked) { $('form-error').textContent = m('need_conf'); $('accept-accuracy').focus(); return; }
  const p = { uuid: crypto.randomUUID(), type: $('type').value, lat: pos.lat, lon: pos.lon, accuracy_m: pos.acc, observed_at: new Date().toISOString(), fields: {}, photos: [] };
  if ($('note').value) p.note = $('note').value;
  for (const el of $('fields').querySelectorAll('input,select')) {
    if (el.value === '') continue;
    p.fields[el.name] = el.dataset.kind === 'number' || el.dataset.kind === 'integer' ? Number(el.value.replace(',', '.')) : el.value;
  }
  for (const f of $('photos').files) p.photos.push(await readPhoto(f));
  await qput(p);  // kept first: nothing is lost if the answer never comes
  let r = null;
  try { r = await api('/api/points', { method: 'POST', body: JSON.stringify(p) }); } catch (e) { r = null; }
  if (r && (r.status === 200 || r.status === 201)) {
    await qdel(p.uuid); showVerdict(r.body); $('gps-status').textContent = m('saved');
    resetForm(); pos = null; $('mapbox').hidden = true; $('legendbox').hidden = true; $('nudge').hidden = true;
  } else if (r && r.status >= 400 && r.status < 500) {
    await qdel(p.uuid); $('form-error').textContent = r.body && r.body.error;
  } else {
    $('verdict').textContent = m('queued'); resetForm(); pos = null; $('mapbox').hidden = true; $('legendbox').hidden = true; $('nudge').hidden = true;
  }
  showQueue();
}

/* ---- near and detail ---- */
async function near() {
  show('near');
  const list = $('near-list'); list.textContent = '';
  const go = async (lat, lon) => {
    const r = await api(`/api/points?lat=${lat}&lon=${lon}&radius=200`);
    if (r.status !== 200) return;
    if (!r.body.points.length) { const li = document.createElement('li'); li.textContent = m('none_near'); list.appendChild(li); }
    for (const p of r.body.points) {
      const li = document.createElement('li'), b = document.createElement('button');
      const st = forms && forms.statuses.find((s) => s.name === p.status);
      b.type = 'button';
      b.textContent = `${EN ? p.type_label_en : p.type_label_nl} #${p.id} — ${st ? label(st) : p.status} — ${p.verdict ? p.verdict.summary : ''} — ${Math.round(p.distance_m)} m`;
      b.addEventListener('click', () => detail(p.id));
      li.appendChild(b); list.appendChild(li);
    }
  };
  if (pos) go(pos.lat, pos.lon);
  else navigator.geolocation.getCurrentPosition((q) => go(q.coords.latitude, q.coords.longitude), () => {}, { timeout: 20000 });
}
async function detail(id) {
  const r = await api('/api/points/' + id);
  if (r.status !== 200) return;
  const p = r.body; show('detail');
  $('detail-h').textContent = `${EN ? p.type_label_en : p.type_label_nl} #${p.id}`;
  const dl = $('detail-fields'); dl.textContent = '';
  for (const f of p.fields) {
    const dt = document.createElement('dt'), dd = document.createElement('dd');
    dt.textContent = label(f); dd.textContent = f.value == null ? '—' : `${num(f.value)}${f.unit ? ' ' + f.unit : ''}`;
    dl.appendChild(dt); dl.appendChild(dd);
  }
  const vd = $('detail-verdict'); vd.textContent = p.verdict ? m('verdict') + ': ' + p.verdict.summary : '';
  const ph = $('detail-photos'); ph.textContent = '';
  p.photos.forEach((x, i) => { const img = document.createElement('img'); img.className = 'photo'; img.src = '/api/photos/' + x.id; img.alt = m('photo', { n: i + 1 }); ph.appendChild(img); });
  const ol = $('detail-history'); ol.textContent = '';
  for (const h of p.history) {
    const li = document.createElement('li');
    let v = h.new || '';
    if (/^[0-9a-f]{64}$/.test(v)) v = v.slice(0, 12) + '…'; /* a photo's hash */
    li.textContent = `${when(h.at)} ${h.who || ''}: ${h.action}${h.field ? ' ' + h.field + ' → ' + num(v) : ''}`;
    ol.appendChild(li);
  }
  $('detail-h').focus();
}

async function signin(token) {
  const r = await api('/api/signin', { method: 'POST', body: JSON.stringify({ token }) });
  if (r.status !== 200) { show('signin'); $('token').setAttribute('aria-invalid', 'true'); const e = document.createElement('p'); e.className = 'error'; e.setAttribute('role', 'alert'); e.textContent = m('bad_token'); $('signin-form').appendChild(e); return false; }
  return true;
}

async function start() {
  translate();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get('t')) { const t = frag.get('t'); history.replaceState(null, '', location.pathname); await signin(t); }
  let r = null;
  try { r = await api('/api/me'); } catch (e) { r = null; }
  if (r && r.status === 200) { me = r.body; localStorage.setItem('me', JSON.stringify(me)); }
  else if (!r && localStorage.getItem('me')) me = JSON.parse(localStorage.getItem('me'));
  if (!me) { show('signin'); return; }
  $('who').textContent = m('signed_in', { s: me.name });
  await loadForms();
  show('log');
  showQueue(); flush();
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-form').addEventListener('submit', async (e) => { e.preventDefault(); if (await signin($('token').value.trim())) start(); });
  $('type').addEventListener('change', buildFields);
  $('gps').addEventListener('click', gps);
  $('map').addEventListener('click', mapTap);
  for (const b of document.querySelectorAll('[data-nudge]')) b.addEventListener('click', () => nudge(b.dataset.nudge));
  $('log-form').addEventListener('submit', save);
  $('nav-log').addEventListener('click', () => show('log'));
  $('nav-near').addEventListener('click', near);
  $('near-refresh').addEventListener('click', near);
  $('back').addEventListener('click', near);
  window.addEventListener('online', flush);
  /* a sign-in link opened while the page is already open */
  window.addEventListener('hashchange', () => { if (location.hash.startsWith('#t=')) start(); });
  setInterval(flush, 15000);
  start();
});
