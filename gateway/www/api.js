// camguard dashboard: the REST API (Authorization: Bearer KEY, catalogue
// errors) and what the key may do (GET /api/v1/whoami).

const KEY_ITEM = 'camguard.key';

/** An answer that is not 2xx: the catalogue's flat error body. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error_code) || null;
    this.details = (body && body.details) || {};
    this.requestId = (body && body.request_id) || null;
  }
}

export function getKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function setKey(key) {
  if (key)
    sessionStorage.setItem(KEY_ITEM, key);
  else
    sessionStorage.removeItem(KEY_ITEM);
}

/** Headers for a request with the stored key (and @extra). */
export function authHeaders(extra = {}, key = getKey()) {
  const h = { ...extra };
  if (key)
    h.Authorization = `Bearer ${key}`;
  return h;
}

async function errorOf(r) {
  let body = null;
  try {
    body = await r.json();
  } catch (e) {
    body = null;
  }
  return new ApiError(r.status, body);
}

/**
 * One request: @body (an object) is sent as JSON. Answers the parsed JSON
 * (or null without a body); throws ApiError on any non-2xx answer.
 */
export async function api(method, path, { body, key, signal } = {}) {
  const init = { method, headers: authHeaders({}, key === undefined ? getKey() : key), signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  if (!r.ok)
    throw await errorOf(r);
  const type = r.headers.get('Content-Type') || '';
  return type.includes('json') ? r.json() : null;
}

/** A binary answer (snapshot, recording) as a Blob; throws ApiError. */
export async function apiBlob(path, { signal } = {}) {
  const r = await fetch(path, { headers: authHeaders(), signal });
  if (!r.ok)
    throw await errorOf(r);
  return r.blob();
}

export { errorOf };

/**
 * What the key may do, from the gateway's one role table:
 * `{name, role, auth, actions, routes}`, with `can(method, pattern)`.
 */
export async function whoami(key) {
  const me = await api('GET', '/api/v1/whoami', { key });
  const routes = new Set(me.routes || []);
  me.can = (method, pattern) => routes.has(`${method} ${pattern}`);
  return me;
}

/** The camera path of @id (URL-encoded). */
export function cameraPath(id, tail = '') {
  return `/api/v1/cameras/${encodeURIComponent(id)}${tail}`;
}
