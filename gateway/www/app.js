// camguard dashboard: login, the camera grid, controls for the roles that
// may use them, live badges and the event log.

import { api, apiBlob, cameraPath, getKey, setKey, whoami, ApiError } from './api.js';
import { EventFeed } from './rpc.js';
import { LiveView } from './live.js';

const MAX_LOG_ROWS = 200;
const STATUS_EVERY_MS = 5000;

const $ = (sel, root = document) => root.querySelector(sel);

const page = {
  me: null,
  feed: null,
  hints: new Map(),       // catalogue code -> recovery hint
  cards: new Map(),       // camera id -> Card
  timer: null,
};

function describe(e) {
  if (e instanceof ApiError)
    return e.code ? `${e.code}: ${e.message}` : e.message;
  return e && e.message ? e.message : String(e);
}

/* ------------------------------------------------------------------ */
/* one camera                                                           */

class Card {
  constructor(camera) {
    this.id = camera.id;
    this.camera = camera;
    this.degraded = false;
    this.recording = false;
    const root = $('#camera-card').content.firstElementChild.cloneNode(true);
    this.root = root;
    root.dataset.camera = camera.id;
    $('.name', root).textContent = camera.id;
    this.live = new LiveView(camera.id, {
      root, video: $('.video', root), img: $('.still', root), label: $('.live-mode', root),
    }, page.me);
    this.wireControls();
  }

  can(method, tail) {
    return page.me.can(method, '/api/v1/cameras/{id}' + tail);
  }

  wireControls() {
    const r = this.root;
    const show = (sel, ok) => { $(sel, r).hidden = !ok; };
    show('.start', this.can('POST', '/start'));
    show('.stop', this.can('POST', '/stop'));
    show('.snapshot', this.can('GET', '/snapshot'));
    this.canRecord = this.can('POST', '/recordings') && this.can('DELETE', '/recordings/current');
    this.showRecording();
    $('.start', r).onclick = () => this.act(() => api('POST', cameraPath(this.id, '/start')));
    $('.stop', r).onclick = () => this.act(() => api('POST', cameraPath(this.id, '/stop')));
    $('.snapshot', r).onclick = () => this.act(() => this.snapshot());
    $('.rec-start', r).onclick = () => this.act(async () => {
      await api('POST', cameraPath(this.id, '/recordings'), { body: {} });
      this.recording = true;
      this.showRecording();
    });
    $('.rec-stop', r).onclick = () => this.act(async () => {
      const done = await api('DELETE', cameraPath(this.id, '/recordings/current'));
      this.recording = false;
      if (done && done.file)
        this.lastRecording = done.file;
      this.showRecording();
    });
    $('.rec-download', r).onclick = () => this.act(() => this.download(
      cameraPath(this.id, `/recordings/${encodeURIComponent(this.lastRecording)}`), this.lastRecording));
    $('.quality-mode', r).onchange = (ev) => this.setQuality({ mode: ev.target.value });
    $('.quality-step', r).onchange = (ev) => this.setQuality({ step: parseInt(ev.target.value, 10) });
  }

  showRecording() {
    $('.rec-start', this.root).hidden = !this.canRecord || this.recording;
    $('.rec-stop', this.root).hidden = !this.canRecord || !this.recording;
    $('.rec-stop', this.root).classList.toggle('recording', this.recording);
    $('.rec-download', this.root).hidden = !this.lastRecording
      || !this.can('GET', '/recordings/{name}');
    if (this.lastRecording)
      $('.rec-download', this.root).textContent = `Download ${this.lastRecording}`;
  }

  /** The manual recording's state from the status (`recording.manual`),
   * when the gateway records. */
  showRecordingStatus(rec) {
    const manual = rec && rec.manual;
    for (const el of this.root.querySelectorAll('.rec-facts'))
      el.hidden = !manual;
    if (!manual)
      return;
    this.recording = manual.state !== 'off';
    const err = manual.error;
    $('.rec-state', this.root).textContent = err
      ? `${err.code || err.error_code || ''} ${err.message || ''}`.trim()
      : manual.file ? `${manual.state} ${manual.file}` : manual.state;
    this.showRecording();
  }

  async act(fn) {
    const err = $('.card-error', this.root);
    err.hidden = true;
    try {
      await fn();
      await this.refresh();
    } catch (e) {
      err.textContent = describe(e);
      err.hidden = false;
    }
  }

  async snapshot() {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await this.download(cameraPath(this.id, '/snapshot'), `${this.id}-${stamp}.jpg`);
  }

  /** Saves what @path answers (with the key) as @name. */
  async download(path, name) {
    const blob = await apiBlob(path);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async setQuality(body) {
    await this.act(() => api('PUT', cameraPath(this.id, '/quality'), { body }));
  }

  /** The badge: the camera's state, or `degraded` while running on a
   * lower quality step than asked (QUALITY_DEGRADED until it recovers). */
  setState(state) {
    const was = this.state;
    this.state = state;
    const shown = state === 'running' && this.degraded ? 'degraded' : state;
    const badge = $('.badge', this.root);
    badge.dataset.state = shown;
    badge.textContent = shown;
    if (state === 'running' && was !== 'running')
      this.live.start();
    else if ((state === 'stopped' || state === 'failed') && was !== state)
      this.live.stop();
  }

  showStatus(status) {
    this.setState(status.state);
    $('.fps', this.root).textContent = typeof status.fps === 'number' ? status.fps.toFixed(1) : '–';
    const q = status.quality;
    const step = q ? (q.current_step >= 0 ? q.current_step : q.step) : undefined;
    $('.quality-now', this.root).textContent = step !== undefined && step >= 0 ? `step ${step} (${q.mode})` : '–';
    const le = status.last_error;
    $('.last-error', this.root).textContent = le ? `${le.code || le.error_code || ''} ${le.message || ''}`.trim() : '–';
    this.showRecordingStatus(status.recording);
  }

  async refresh() {
    this.showStatus(await api('GET', cameraPath(this.id, '/status')));
    await this.refreshQuality();
  }

  async refreshQuality() {
    const box = $('.quality', this.root);
    if (!this.can('PUT', '/quality') || !this.can('GET', '/quality')) {
      box.hidden = true;
      return;
    }
    let q;
    try {
      q = await api('GET', cameraPath(this.id, '/quality'));
    } catch (e) {
      box.hidden = true;  // stopped, or passed through without a ladder
      return;
    }
    const steps = q.steps && q.steps.length ? q.steps : this.stepNames();
    const sel = $('.quality-step', this.root);
    if (sel.options.length !== steps.length) {
      sel.replaceChildren(...steps.map((name, i) => new Option(`${i}: ${name}`, String(i))));
    }
    sel.value = String(q.step);
    $('.quality-mode', this.root).value = q.mode;
    box.hidden = false;
  }

  /** Without `steps` in the quality answer (an older gateway): the step
   * names from the camera's configured ladder, else three unnamed steps
   * (the gateway answers a VALIDATION_ERROR naming the range for a step it
   * does not have). */
  stepNames() {
    const ladder = this.camera.ladder && this.camera.ladder.steps;
    if (typeof ladder === 'string' && ladder)
      return ladder.split(',').map((s) => s.split(':')[0]);
    return ['best', 'lower', 'lowest'];
  }

  onEvent(ev) {
    const kind = ev.kind || ev.type;
    if (kind === 'quality') {
      this.degraded = ev.code === 'QUALITY_DEGRADED';
      this.setState(this.state);
      this.refresh().catch(() => {});
    } else if (kind === 'state' && ev.details && ev.details.state) {
      this.setState(ev.details.state);
    }
  }
}

/* ------------------------------------------------------------------ */
/* the event log                                                        */

function logEvent(ev, { append = false } = {}) {
  const tbody = $('#events');
  const tr = document.createElement('tr');
  const code = ev.code || '';
  tr.dataset.code = code;
  tr.dataset.camera = ev.cameraId || '';
  tr.dataset.severity = ev.severity || '';
  tr.dataset.kind = ev.kind || ev.type || '';
  const cells = [
    ev.timestamp ? new Date(ev.timestamp).toLocaleTimeString() : '',
    ev.cameraId || '',
    ev.kind || ev.type || '',
    code,
    ev.message || '',
    code ? page.hints.get(code) || '' : '',
  ];
  const classes = ['time', 'camera', 'kind', 'code', 'message', 'hint'];
  cells.forEach((text, i) => {
    const td = document.createElement('td');
    td.className = classes[i];
    td.textContent = text;
    tr.append(td);
  });
  if (append)
    tbody.append(tr);
  else
    tbody.prepend(tr);
  while (tbody.rows.length > MAX_LOG_ROWS)
    tbody.deleteRow(tbody.rows.length - 1);
}

async function loadLog() {
  const [catalogue, history] = await Promise.all([
    api('GET', '/api/v1/errors').catch(() => ({ errors: [] })),
    api('GET', '/api/v1/events?limit=50').catch(() => ({ events: [] })),
  ]);
  for (const e of catalogue.errors || [])
    page.hints.set(e.code, e.hint);
  $('#events').replaceChildren();
  for (const ev of history.events || [])
    logEvent(ev, { append: true });   // newest first already
}

/* ------------------------------------------------------------------ */
/* the page                                                             */

async function loadCameras() {
  const list = await api('GET', '/api/v1/cameras');
  const grid = $('#cameras');
  const seen = new Set();
  for (const camera of list.cameras || []) {
    seen.add(camera.id);
    let card = page.cards.get(camera.id);
    if (!card) {
      card = new Card(camera);
      page.cards.set(camera.id, card);
      grid.append(card.root);
    }
    card.camera = camera;
    if (camera.status)
      card.showStatus(camera.status);
    card.refreshQuality();
  }
  for (const [id, card] of page.cards) {
    if (!seen.has(id)) {
      card.live.stop();
      card.root.remove();
      page.cards.delete(id);
    }
  }
}

function onEvent(ev) {
  logEvent(ev);
  const card = page.cards.get(ev.cameraId);
  if (card)
    card.onEvent(ev);
}

function onFeedState(state) {
  const el = $('#ws-state');
  el.dataset.state = state;
  el.textContent = state === 'open' ? 'events: live' : 'events: offline';
  if (state === 'open')   // catch up with what happened while away
    loadCameras().catch(() => {});
}

function showNotice(text) {
  const n = $('#notice');
  n.textContent = text || '';
  n.hidden = !text;
}

async function enter(me) {
  page.me = me;
  $('#login').hidden = true;
  $('#dashboard').hidden = false;
  const who = $('#who');
  who.textContent = me.auth ? `${me.name} (${me.role})` : `auth off (${me.role})`;
  who.hidden = false;
  who.dataset.role = me.role;
  $('#logout').hidden = !me.auth;
  await loadLog();
  await loadCameras();
  page.feed = new EventFeed(me.auth ? getKey() : null, onEvent, onFeedState);
  page.feed.start();
  page.timer = setInterval(() => {
    for (const card of page.cards.values())
      card.refresh().catch(() => {});
  }, STATUS_EVERY_MS);
}

function leave() {
  if (page.feed)
    page.feed.stop();
  clearInterval(page.timer);
  for (const card of page.cards.values())
    card.live.stop();
  page.cards.clear();
  $('#cameras').replaceChildren();
  setKey(null);
  $('#dashboard').hidden = true;
  $('#who').hidden = true;
  $('#logout').hidden = true;
  $('#login').hidden = false;
}

async function login(ev) {
  ev.preventDefault();
  const key = $('#login-key').value.trim();
  const err = $('#login-error');
  err.hidden = true;
  try {
    const me = await whoami(key);
    setKey(key);
    $('#login-key').value = '';
    await enter(me);
  } catch (e) {
    err.textContent = describe(e);
    err.hidden = false;
  }
}

async function main() {
  $('#login-form').addEventListener('submit', login);
  $('#logout').addEventListener('click', leave);
  window.addEventListener('pagehide', () => {
    for (const card of page.cards.values())
      card.live.stop();
  });
  try {
    // a stored key, or none: with auth off the gateway answers anyway
    await enter(await whoami(getKey()));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setKey(null);
      $('#login').hidden = false;
    } else {
      $('#dashboard').hidden = false;
      showNotice(describe(e));
    }
  }
}

main();
