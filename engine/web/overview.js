// Overview: every watched ticker with its last price, change, volume against its average, a few
// indicators, its last hit and its source's state; sortable, filterable, updated by the live stream.
import { api, optional, on, el, num, pct } from './api.js';

const COLUMNS = [
  ['symbol', 'Symbol', 'text'], ['price', 'Last'], ['change', 'Day change'], ['vol', 'Vol/avg20'],
  ['rsi', 'RSI14'], ['disparity', 'PSMAR20'], ['macd', 'MACD', 'hide-narrow'], ['hit', 'Last hit', 'text'],
  ['source', 'Source', 'text hide-narrow'],
];

export default async function overview(main) {
  const rows = new Map(); // symbol -> row values
  let sortKey = 'symbol';
  let sortDir = 1;
  const filter = el('input', { type: 'search', id: 'overview-filter', placeholder: 'Filter symbols',
    'aria-label': 'Filter symbols' });
  const body = el('tbody', { id: 'overview-rows' });
  const head = el('tr', {}, COLUMNS.map(([key, label, cls]) => el('th', { class: cls, scope: 'col' },
    el('button', { type: 'button', onclick: () => { sortDir = sortKey === key ? -sortDir : 1; sortKey = key; render(); } },
      label))));
  main.append(el('h1', {}, 'Overview'), el('div', { class: 'tools' }, filter),
    el('div', { class: 'scroll' }, el('table', { id: 'overview' }, el('thead', {}, head), body)));
  filter.addEventListener('input', render);

  // a burst of live events re-renders once, at the next frame
  let frame = 0;
  const soon = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); };

  function render() {
    const f = filter.value.trim().toUpperCase();
    const list = [...rows.values()].filter((r) => !f || r.symbol.includes(f));
    list.sort((a, b) => {
      const x = a[sortKey]; const y = b[sortKey];
      return (x === y ? 0 : x === undefined || x === null ? 1 : y === undefined || y === null ? -1 : x < y ? -1 : 1) * sortDir;
    });
    body.replaceChildren(...list.map((r) => el('tr', { 'data-symbol': r.symbol },
      el('td', {}, el('a', { href: `#/ticker/${encodeURIComponent(r.symbol)}` }, r.symbol)),
      el('td', { class: 'price' }, num(r.price)),
      el('td', { class: r.change > 0 ? 'up' : r.change < 0 ? 'down' : '' }, pct(r.change)),
      el('td', {}, r.vol === undefined ? '—' : `${num(r.vol, 2)}×`),
      el('td', {}, num(r.rsi, 1)), el('td', {}, pct(r.disparity)), el('td', { class: 'hide-narrow' }, num(r.macd)),
      el('td', { class: 'text' }, r.hit || '—'), el('td', { class: 'text hide-narrow' }, r.source || '—'))));
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'muted' }, 'No tickers watched yet.')));
  }

  /** The row's figures from a closed bar (indicators) or the forming bar (price only). */
  function applyBar(r, bar, closed) {
    r.price = bar.close;
    if (closed) {
      if (bar.VSMA20) r.vol = bar.volume / bar.VSMA20;
      r.rsi = bar.RSI14; r.disparity = bar.PSMAR20; r.macd = bar.MACD;
    }
    if (r.prevClose) r.change = r.price / r.prevClose - 1;
  }

  async function load(t) {
    const r = rows.get(t.symbol) || { symbol: t.symbol };
    r.source = t.source;
    rows.set(t.symbol, r);
    const s = await api(`/api/tickers/${encodeURIComponent(t.symbol)}`).catch(() => null);
    if (s) {
      if (s.last_bar) applyBar(r, s.last_bar, true);
      if (s.forming) applyBar(r, s.forming, false);
      const h = s.source_health;
      if (h && (h.state || h.status)) r.source = `${t.source}: ${h.state || h.status}`;
    }
    const daily = await optional(`/api/tickers/${encodeURIComponent(t.symbol)}/daily?limit=2`);
    if (daily && daily.days && daily.days.length >= 2) {
      r.prevClose = daily.days[daily.days.length - 2].close;
      if (r.price) r.change = r.price / r.prevClose - 1;
    }
  }

  async function loadAll() {
    const [tickers, hits] = await Promise.all([api('/api/tickers'), api('/api/hits?limit=500')]);
    await Promise.all(tickers.map(load));
    for (const h of [...hits].reverse()) if (rows.has(h.symbol)) rows.get(h.symbol).hit = `${h.condition} @ ${h.bar.slice(5, 16)}`;
    render();
  }

  let refresh = null;
  const offs = [
    on('bar', (b) => {
      const r = rows.get(b.symbol);
      if (!r) { // a ticker added since: load the list again, once for a burst
        clearTimeout(refresh);
        refresh = setTimeout(loadAll, 300);
        return;
      }
      applyBar(r, b.bar, b.closed);
      soon();
    }),
    on('hit', (h) => {
      const r = rows.get(h.symbol);
      if (r) { r.hit = `${h.condition} @ ${h.bar.slice(5, 16)}`; soon(); }
    }),
    on('reset', loadAll),
  ];
  await loadAll();
  return () => { offs.forEach((off) => off()); clearTimeout(refresh); };
}
