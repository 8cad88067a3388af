// camguard browser tests: the real camguard-gateway binary with a
// temporary configuration, data directory and API keys, on free loopback
// ports (port 0), stopped with SIGTERM at the end.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 30000;

/** The cameras of the test: a test pattern, a second one, and a pipeline
 * camera whose faultinject drops it after 45 buffers (3 s at 15 fps), on
 * every (re)start, like the demo's drill. */
export function testConfig(dataDir, wwwDir) {
  return `[gateway]
listen=127.0.0.1
port=0
rtsp-port=0
data-dir=${dataDir}
allow-pipelines=true
www-dir=${wwwDir}

[camera ball]
type=test
pattern=ball
width=640
height=360
framerate=15/1
ladder=full:640x360@800,small:320x180@300

[camera bars]
type=test
pattern=smpte
width=640
height=360
framerate=15/1

[camera drill]
type=pipeline
description=videotestsrc is-live=true pattern=pinwheel ! video/x-raw,width=640,height=360,framerate=15/1 ! faultinject fault=error error-domain=resource error-code=9 after-buffers=45
retry-initial-delay=500
retry-max-delay=1000
`;
}

export class Gateway {
  constructor(buildRoot, sourceRoot) {
    this.binary = join(buildRoot, 'gateway', 'camguard-gateway');
    this.dir = mkdtempSync(join(tmpdir(), 'camguard-browser-'));
    this.config = join(this.dir, 'gateway.conf');
    writeFileSync(this.config, testConfig(join(this.dir, 'data'),
      join(sourceRoot, 'gateway', 'www')));
    this.log = '';
    this.proc = null;
  }

  /** --create-key ROLE: the key, printed alone on the last line. */
  createKey(role) {
    const out = execFileSync(this.binary, ['--config', this.config,
      '--create-key', role, '--name', `browser-${role}`], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    return lines[lines.length - 1];
  }

  async start() {
    this.proc = spawn(this.binary, ['--config', this.config, '--log-format', 'text'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr.setEncoding('utf8');
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${this.log}`)), START_TIMEOUT_MS);
      this.proc.stderr.on('data', (text) => {
        this.log += text;
        const m = / running: .*listen 127\.0\.0\.1:(\d+)/.exec(this.log);
        if (m && !this.port) {
          this.port = parseInt(m[1], 10);
          clearTimeout(timer);
          resolve();
        }
      });
      this.exited.then(() => reject(new Error(`the gateway exited:\n${this.log}`)));
    });
    this.base = `http://127.0.0.1:${this.port}`;
  }

  /** A REST call with @key: {status, json}. */
  async request(method, path, key, body) {
    const headers = key ? { Authorization: `Bearer ${key}` } : {};
    if (body !== undefined)
      headers['Content-Type'] = 'application/json';
    const r = await fetch(this.base + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = r.headers.get('Content-Type') || '';
    return { status: r.status, type, json: type.includes('json') ? await r.json() : null };
  }

  /** SIGTERM, then the exit status (SIGKILL after 10 s). */
  async stop() {
    if (!this.proc)
      return null;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    const status = await this.exited;
    clearTimeout(killer);
    this.proc = null;
    rmSync(this.dir, { recursive: true, force: true });
    return status;
  }
}
