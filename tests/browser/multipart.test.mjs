// camguard browser tests: the dashboard's MJPEG reader (gateway/www/live.js
// MultipartReader) in node, without a browser: every split of a
// multipart/x-mixed-replace body into chunks gives the same parts, with and
// without Content-Length, with a part that contains the boundary's bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The page's modules are plain .js files for the browser; Node 18 (Debian
// 12's) reads a .js as CommonJS unless a package.json says "module", so they
// are imported from a copy beside one (never added to gateway/www itself,
// which is served and installed as is).
const here = dirname(fileURLToPath(import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'camguard-www-'));
cpSync(join(here, '..', '..', 'gateway', 'www'), copy, { recursive: true });
writeFileSync(join(copy, 'package.json'), '{"type":"module"}\n');
const { MultipartReader } = await import(pathToFileURL(join(copy, 'live.js')));
rmSync(copy, { recursive: true, force: true });

const enc = new TextEncoder();

function body(parts, withLength) {
  const chunks = [];
  for (const p of parts) {
    let head = '--frame\r\nContent-Type: image/jpeg\r\n';
    if (withLength)
      head += `Content-Length: ${p.length}\r\n`;
    chunks.push(enc.encode(head + '\r\n'), p, enc.encode('\r\n'));
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function readAll(bytes, chunkSize) {
  const got = [];
  const r = new MultipartReader('frame', (p) => got.push(Array.from(p)));
  for (let i = 0; i < bytes.length; i += chunkSize)
    r.push(bytes.subarray(i, i + chunkSize));
  return got;
}

const parts = [
  Uint8Array.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]),
  Uint8Array.from([0xff, 0xd8, ...enc.encode('--frame'), 0xff, 0xd9]),
  Uint8Array.from([0xff, 0xd8, 13, 10, 13, 10, 0xff, 0xd9]),
];

test('parts with Content-Length, every chunk size', () => {
  const bytes = body(parts, true);
  for (let size = 1; size <= bytes.length; size++)
    assert.deepEqual(readAll(bytes, size), parts.map((p) => Array.from(p)), `chunk size ${size}`);
});

test('parts without Content-Length: split at the next boundary', () => {
  // without a length, a part ends at the next boundary: the last part waits
  // for the one after it, and a part holding the boundary's bytes is cut
  const plain = [parts[0], parts[2], parts[0]];
  const bytes = body(plain, false);
  for (let size = 1; size <= bytes.length; size++) {
    const got = readAll(bytes, size);
    assert.deepEqual(got, [Array.from(parts[0]), Array.from(parts[2])], `chunk size ${size}`);
  }
});
