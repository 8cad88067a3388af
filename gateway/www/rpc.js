// camguard dashboard: live events over the WebSocket (/ws, JSON-RPC 2.0):
// authenticate, subscribe, hand each `event` notification to the page;
// reconnect with a growing delay when the connection drops.

const TOPICS = ['state', 'errors', 'warnings', 'quality', 'retry'];

export class EventFeed {
  /**
   * @param key the API key (null with auth off)
   * @param onEvent called with each seed-002 event object
   * @param onState called with 'open' or 'closed' (and 'open' again after
   *   an `events-dropped` notice: the page reloads what it shows)
   */
  constructor(key, onEvent, onState) {
    this.key = key;
    this.onEvent = onEvent;
    this.onState = onState;
    this.nextId = 1;
    this.pending = new Map();
    this.delay = 500;
    this.stopped = false;
    this.ws = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.ws)
      this.ws.close(1000);
    this.ws = null;
  }

  call(method, params) {
    const id = this.nextId++;
    const ws = this.ws;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
    });
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    this.ws = ws;
    ws.onmessage = (m) => this.receive(m.data);
    ws.onopen = async () => {
      try {
        if (this.key)
          await this.call('authenticate', { token: this.key });
        await this.call('subscribe', { topics: TOPICS });
        this.delay = 500;
        this.onState('open');
      } catch (e) {
        this.onState('closed', e);
        ws.close();
      }
    };
    ws.onclose = () => {
      for (const p of this.pending.values())
        p.reject(new Error('connection closed'));
      this.pending.clear();
      if (this.ws === ws)
        this.ws = null;
      this.onState('closed');
      if (!this.stopped) {
        setTimeout(() => { if (!this.stopped && !this.ws) this.connect(); }, this.delay);
        this.delay = Math.min(this.delay * 2, 10000);
      }
    };
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (m.method === 'event' && m.params) {
        this.onEvent(m.params);
      } else if (m.method === 'events-dropped') {
        // this client was too slow and lost events: resynchronise
        this.onState('open');
      } else if (m.id !== undefined && this.pending.has(m.id)) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error)
          p.reject(Object.assign(new Error(m.error.message), { rpc: m.error }));
        else
          p.resolve(m.result);
      }
    }
  }
}
