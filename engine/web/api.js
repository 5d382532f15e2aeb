// The node's API as the page uses it: the token (asked once, kept in sessionStorage), JSON calls,
// and the live stream (GET /api/events over EventSource, with the session cookie when a token is set).

const TOKEN_KEY = 'tickwatch.token';
const listeners = new Map(); // event type -> Set of functions
let tokenPrompt = null;

/** Thrown for an answer that is not 2xx; `status` 404 means "not available on this node". */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Asks for the token once (all callers waiting share the one dialog); resolves when one is set. */
function askToken(wrong) {
  if (!tokenPrompt) {
    tokenPrompt = new Promise((resolve) => {
      const dialog = document.getElementById('token-dialog');
      const input = document.getElementById('token-input');
      document.getElementById('token-error').textContent = wrong ? 'That token was refused.' : '';
      document.getElementById('token-form').onsubmit = () => {
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        input.value = '';
        tokenPrompt = null;
        resolve();
      };
      dialog.showModal();
      input.focus();
    });
  }
  return tokenPrompt;
}

/** A JSON call; asks for the token on a 401 and tries again. */
export async function api(path, options = {}) {
  for (;;) {
    const headers = { Accept: 'application/json', ...(options.headers || {}) };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token()) headers.Authorization = `Bearer ${token()}`;
    const res = await fetch(path, { ...options, headers });
    if (res.status === 401) {
      await askToken(Boolean(token()));
      continue;
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = { error: text }; }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }
}

/** {@link api}, or `fallback` when the node does not have that endpoint (404 or 405). */
export async function optional(path, fallback = null) {
  try {
    return await api(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return fallback;
    throw e;
  }
}

/** Calls `fn(data, event)` for each live event of `type` (bar, hit, source, sink, reset, ...); returns an unsubscribe. */
export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

function emit(type, data, event) {
  for (const fn of listeners.get(type) || []) {
    try { fn(data, event); } catch (e) { console.error(e); }
  }
}

const TYPES = ['bar', 'hit', 'source', 'sink', 'reset', 'hello'];
let lastId = null;
let source = null;

/**
 * Opens the live stream. The browser reconnects by itself after a drop, sending the last id
 * (Last-Event-ID); when the stream is refused (a session cookie that ended), a new session is
 * asked for and a new stream opened from the last id seen.
 */
export async function connectLive(status) {
  if (source) source.close();
  await api('/api/session', { method: 'POST' });
  const url = '/api/events' + (lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : '');
  source = new EventSource(url);
  source.onopen = () => { status(true); };
  source.onerror = () => {
    status(false);
    if (source.readyState === EventSource.CLOSED) setTimeout(() => connectLive(status), 2000);
  };
  const known = new Set(TYPES);
  const handle = (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    let data = null;
    try { data = JSON.parse(e.data); } catch { data = e.data; }
    emit(e.type, data, e);
  };
  known.forEach((t) => source.addEventListener(t, handle));
  // types added later by other parts of the node (orders, ...) reach "message" listeners only when
  // unnamed; named ones are subscribed when a page asks for them
  for (const t of listeners.keys()) if (!known.has(t)) source.addEventListener(t, handle);
}

/** Formats a number for a table: fixed decimals by size, or an em dash. */
export function num(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const d = digits ?? (Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 1 ? 2 : 4);
  return Number(v).toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function pct(v) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}%`;
}

/** Builds an element: el('td', {class: 'up'}, 'text', child, ...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A bar's ISO start as chart time: seconds, shifted so the axis shows the market's own clock. */
export function chartTime(iso) {
  const ms = Date.parse(iso);
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60 : 0;
  return Math.floor(ms / 1000) + offset;
}
