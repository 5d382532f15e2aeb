// Alerts: the live feed of hits across the cluster, filterable by condition and symbol; each
// links to its candle on the ticker page.
import { api, on, el, num } from './api.js';

export default async function alerts(main) {
  const byId = new Map();
  const condition = el('select', { id: 'alerts-condition', 'aria-label': 'Condition' }, el('option', { value: '' }, 'every condition'));
  const symbol = el('input', { type: 'search', id: 'alerts-symbol', placeholder: 'Symbol', 'aria-label': 'Symbol' });
  const body = el('tbody', { id: 'alerts-rows' });
  main.append(el('h1', {}, 'Alerts'), el('div', { class: 'tools' }, condition, symbol),
    el('div', { class: 'scroll' }, el('table', { id: 'alerts' }, el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Bar'), el('th', { scope: 'col', class: 'text' }, 'Symbol'),
      el('th', { scope: 'col', class: 'text' }, 'Condition'), el('th', { scope: 'col', class: 'text' }, 'Values'),
      el('th', { scope: 'col', class: 'text hide-narrow' }, 'Sinks'))), body)));
  condition.addEventListener('change', render);
  symbol.addEventListener('input', render);

  // a burst of live events re-renders once, at the next frame
  let frame = 0;
  const soon = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); };

  function render() {
    const c = condition.value;
    const s = symbol.value.trim().toUpperCase();
    const list = [...byId.values()].filter((h) => (!c || h.condition === c) && (!s || h.symbol.includes(s)))
      .sort((a, b) => Date.parse(b.bar) - Date.parse(a.bar)); // bars carry their market's offset: compare instants
    body.replaceChildren(...list.slice(0, 500).map((h) => el('tr', { 'data-hit': h.id },
      el('td', {}, el('a', { href: `#/ticker/${encodeURIComponent(h.symbol)}/${encodeURIComponent(h.bar)}` },
        h.bar.replace('T', ' ').slice(0, 16))),
      el('td', { class: 'text' }, h.symbol), el('td', { class: 'text' }, h.condition),
      el('td', { class: 'text' }, Object.entries(h.values || {}).map(([k, v]) => `${k} ${num(v)}`).join(', ')),
      el('td', { class: 'text hide-narrow' }, (h.sinks || []).join(', ')))));
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No hits yet.')));
    const names = new Set([...byId.values()].map((h) => h.condition));
    for (const n of names) {
      if (![...condition.options].some((o) => o.value === n)) condition.append(el('option', { value: n }, n));
    }
  }

  async function load() {
    byId.clear();
    for (const h of await api('/api/hits?limit=1000')) byId.set(h.id, h);
    render();
  }
  const offs = [on('hit', (h) => { byId.set(h.id, h); soon(); }), on('reset', load)];
  await load();
  return () => offs.forEach((off) => off());
}
