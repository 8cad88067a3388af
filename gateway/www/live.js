// camguard dashboard: one camera's live view. WebRTC over WHEP first
// (POST .../whep with an SDP offer, 201 + Location, DELETE on leave), then
// MJPEG (GET .../mjpeg, multipart/x-mixed-replace read with fetch, since an
// <img> cannot send the Authorization header), then snapshots refreshed
// every second. A mode the gateway has no route for is skipped.

import { authHeaders, errorOf, apiBlob, cameraPath } from './api.js';

const ICE_GATHER_MS = 2000;
const FIRST_FRAME_MS = 6000;
const SNAPSHOT_EVERY_MS = 1000;
const STATS_EVERY_MS = 1000;

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function iceGathered(pc) {
  if (pc.iceGatheringState === 'complete')
    return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(t); resolve(); };
    const t = setTimeout(done, ICE_GATHER_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete')
        done();
    });
  });
}

/** Resolves when @video shows its first frame, rejects after @ms. */
function firstFrame(video, ms) {
  return new Promise((resolve, reject) => {
    if (video.videoWidth > 0)
      return resolve();
    const t = setTimeout(() => reject(new Error('no video within ' + ms + ' ms')), ms);
    video.addEventListener('loadeddata', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function indexOf(buf, pattern, from) {
  outer:
  for (let i = Math.max(from, 0); i <= buf.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++)
      if (buf[i + j] !== pattern[j])
        continue outer;
    return i;
  }
  return -1;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const CRLFCRLF = new TextEncoder().encode('\r\n\r\n');

/**
 * Splits a multipart/x-mixed-replace body into its parts: each part's
 * bytes go to @onPart. Uses each part's Content-Length when it has one,
 * else the next boundary.
 */
export class MultipartReader {
  constructor(boundary, onPart) {
    this.delim = new TextEncoder().encode('--' + boundary);
    this.onPart = onPart;
    this.buf = new Uint8Array(0);
  }

  push(chunk) {
    this.buf = concat(this.buf, chunk);
    for (;;) {
      const start = indexOf(this.buf, this.delim, 0);
      if (start < 0)
        return;
      const headEnd = indexOf(this.buf, CRLFCRLF, start);
      if (headEnd < 0)
        return;
      const head = new TextDecoder().decode(this.buf.subarray(start, headEnd));
      const m = /content-length:\s*(\d+)/i.exec(head);
      const bodyStart = headEnd + 4;
      let bodyEnd;
      if (m) {
        bodyEnd = bodyStart + parseInt(m[1], 10);
        if (this.buf.length < bodyEnd)
          return;
      } else {
        const next = indexOf(this.buf, this.delim, bodyStart);
        if (next < 0)
          return;
        bodyEnd = next;
        while (bodyEnd > bodyStart && (this.buf[bodyEnd - 1] === 10 || this.buf[bodyEnd - 1] === 13))
          bodyEnd--;
      }
      this.onPart(this.buf.slice(bodyStart, bodyEnd));
      this.buf = this.buf.slice(bodyEnd);
    }
  }
}

export class LiveView {
  /**
   * @param id the camera id
   * @param els {video, img, label}
   * @param me the whoami answer (which routes exist and may be called)
   */
  constructor(id, els, me) {
    this.id = id;
    this.els = els;
    this.me = me;
    this.mode = null;
    this.abort = null;
    this.pc = null;
    this.location = null;
    this.objectUrl = null;
  }

  setMode(mode) {
    this.mode = mode;
    this.els.label.textContent = mode || '';
    this.els.root.dataset.live = mode || 'none';
  }

  /** Starts (or restarts) the live view, trying each mode in turn. */
  async start() {
    this.stop();
    const abort = new AbortController();
    this.abort = abort;
    const modes = [
      ['webrtc', 'POST', '/api/v1/cameras/{id}/whep', () => this.startWhep(abort.signal)],
      ['mjpeg', 'GET', '/api/v1/cameras/{id}/mjpeg', () => this.startMjpeg(abort.signal)],
      ['snapshots', 'GET', '/api/v1/cameras/{id}/snapshot', () => this.startSnapshots(abort.signal)],
    ];
    for (const [name, method, route, run] of modes) {
      if (abort.signal.aborted)
        return;
      if (!this.me.can(method, route))
        continue;
      try {
        this.setMode(name);
        await run();
        return;
      } catch (e) {
        if (abort.signal.aborted)
          return;
        this.lastError = e;
        this.teardown();
      }
    }
    this.setMode(null);
  }

  async startWhep(signal) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    const video = this.els.video;
    pc.ontrack = (e) => {
      video.srcObject = e.streams && e.streams[0] ? e.streams[0] : new MediaStream([e.track]);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    const r = await fetch(cameraPath(this.id, '/whep'), {
      method: 'POST',
      headers: authHeaders({ 'Content-Type': 'application/sdp' }),
      body: pc.localDescription.sdp,
      signal,
    });
    if (r.status !== 201)
      throw await errorOf(r);
    this.location = r.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
    video.hidden = false;
    this.els.img.hidden = true;
    await firstFrame(video, FIRST_FRAME_MS);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this.pc === pc)
        this.start();
    };
    this.watchStats(pc, signal);
  }

  /** The receiver's view of the stream, on the card: frames decoded,
   * size, frame rate, packets lost (RTCInboundRtpStreamStats). */
  async watchStats(pc, signal) {
    while (!signal.aborted && this.pc === pc) {
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video')
          return;
        const root = this.els.root;
        root.dataset.framesDecoded = String(s.framesDecoded || 0);
        root.dataset.packetsLost = String(s.packetsLost || 0);
        const fps = s.framesPerSecond ? ` ${Math.round(s.framesPerSecond)} fps` : '';
        this.els.label.textContent = `webrtc ${s.frameWidth || 0}×${s.frameHeight || 0}${fps}`;
      });
      await sleep(STATS_EVERY_MS, signal);
    }
  }

  async startMjpeg(signal) {
    const r = await fetch(cameraPath(this.id, '/mjpeg'), { headers: authHeaders(), signal });
    if (!r.ok)
      throw await errorOf(r);
    const m = /boundary="?([^";]+)"?/i.exec(r.headers.get('Content-Type') || '');
    if (!m || !r.body)
      throw new Error('not a multipart answer');
    const reader = r.body.getReader();
    let shown = false;
    let firstResolve;
    const first = new Promise((resolve) => { firstResolve = resolve; });
    const parts = new MultipartReader(m[1], (jpeg) => {
      this.show(new Blob([jpeg], { type: 'image/jpeg' }));
      if (!shown) {
        shown = true;
        firstResolve();
      }
    });
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done)
          break;
        parts.push(value);
      }
    })();
    pump.catch(() => {}).then(() => {
      // the stream ended (camera stopped, gateway restarted): try again
      if (!signal.aborted && this.mode === 'mjpeg')
        setTimeout(() => { if (!signal.aborted) this.start(); }, 1000);
    });
    const timeout = sleep(FIRST_FRAME_MS, signal).then(() => { throw new Error('no MJPEG frame'); });
    await Promise.race([first, timeout]);
  }

  async startSnapshots(signal) {
    const loop = async () => {
      while (!signal.aborted) {
        try {
          this.show(await apiBlob(cameraPath(this.id, '/snapshot'), { signal }));
        } catch (e) {
          // camera away: keep the last picture, try again
        }
        await sleep(SNAPSHOT_EVERY_MS, signal);
      }
    };
    loop();
  }

  show(blob) {
    const url = URL.createObjectURL(blob);
    this.els.img.src = url;
    this.els.img.hidden = false;
    this.els.video.hidden = true;
    if (this.objectUrl)
      URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = url;
  }

  /** Ends the WHEP session (DELETE on its Location) and closes the peer. */
  teardown() {
    if (this.location) {
      fetch(this.location, { method: 'DELETE', headers: authHeaders(), keepalive: true }).catch(() => {});
      this.location = null;
    }
    if (this.pc) {
      this.pc.close();
      this.pc = null;
    }
    this.els.video.srcObject = null;
    delete this.els.root.dataset.framesDecoded;
    delete this.els.root.dataset.packetsLost;
  }

  stop() {
    if (this.abort)
      this.abort.abort();
    this.abort = null;
    this.teardown();
  }
}
