// Operations: sources, sinks, subscribers, orders and positions, the universe, with their health,
// and the live source and sink events. An endpoint this node lacks shows "not available".
import { optional, on, el, num } from './api.js';

function cell(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return num(v, Number.isInteger(v) ? 0 : 2);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A table of a list of objects (or a note when there is nothing, or no such endpoint). */
function table(id, rows, empty) {
  if (rows === null) return el('p', { class: 'muted', id: `${id}-na` }, 'not available on this node');
  const list = Array.isArray(rows) ? rows : Object.entries(rows).map(([name, v]) => ({ name, ...(typeof v === 'object' ? v : { value: v }) }));
  if (!list.length) return el('p', { class: 'muted', id: `${id}-empty` }, empty);
  const keys = [...new Set(list.flatMap((r) => Object.keys(r)))];
  return el('div', { class: 'scroll' }, el('table', { id }, el('thead', {}, el('tr', {}, keys.map((k) => el('th', { scope: 'col', class: 'text' }, k)))),
    el('tbody', {}, list.map((r) => el('tr', {}, keys.map((k) => {
      const v = r[k];
      const cls = k === 'state' ? (v === 'ok' || v === 'connected' ? 'text up' : 'text warn') : 'text';
      return el('td', { class: cls }, cell(v));
    }))))));
}

export default async function operations(main) {
  const events = el('ul', { id: 'ops-events' });
  main.append(el('h1', {}, 'Operations'));
  const [sources, sinks, subscribers, orders, positions, universe] = await Promise.all([
    optional('/api/sources'), optional('/api/sinks'), optional('/api/subscribers'), optional('/api/orders'),
    optional('/api/positions'), optional('/api/universe')]);
  const sourceRows = sources === null ? null : (Array.isArray(sources) ? sources : []).map((s) => {
    const h = s.health || {};
    return { name: s.name, state: h.state || h.status || (h.failing && h.failing.length ? 'failing' : 'ok'),
      tickers: h.tickers, reconnects: h.reconnects, errors: h.errors ?? h.malformed, details: h };
  });
  const card = (title, node) => el('section', { class: 'card' }, el('h2', {}, title), node);
  main.append(el('div', { class: 'grid' },
    card('Sources', table('ops-sources', sourceRows, 'No sources configured.')),
    card('Sinks', table('ops-sinks', sinks, 'No sinks.')),
    card('Subscribers', table('ops-subscribers', subscribers, 'Nobody subscribed.')),
    card('Orders', table('ops-orders', orders, 'No orders.')),
    card('Positions', table('ops-positions', positions, 'No positions.')),
    card('Universe', table('ops-universe', universe && (universe.stocks || universe), 'Empty.')),
    card('Source, sink and order events (live)', events)));
  const add = (kind) => (e) => {
    events.prepend(el('li', {}, el('span', { class: 'pill' }, kind), ' ',
      `${e.time ? e.time.slice(11, 19) : ''} ${e.source || e.sink} ${e.kind}${e.symbol ? ` ${e.symbol}` : ''}`,
      e.detail || e.error ? el('span', { class: 'muted' }, ` — ${e.detail || e.error}`) : null));
    while (events.children.length > 100) events.lastChild.remove();
  };
  const addOrder = (o) => {
    events.prepend(el('li', {}, el('span', { class: 'pill' }, 'order'), ' ',
      `${new Date(o.time).toISOString().slice(11, 19)} ${o.broker} ${o.side} ${o.quantity} ${o.symbol} ${o.state}`,
      o.reason ? el('span', { class: 'muted' }, ` — ${o.reason}`) : null));
    while (events.children.length > 100) events.lastChild.remove();
  };
  const offs = [on('source', add('source')), on('sink', add('sink')), on('order', addOrder)];
  return () => offs.forEach((off) => off());
}
