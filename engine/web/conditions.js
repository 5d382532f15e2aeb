// Conditions: the list, and an editor for either form, validated as you type
// (POST /api/conditions/validate) with each problem shown at its line; a preview of what the
// condition would have hit over a ticker's kept bars (POST /api/conditions/preview) before saving.
import { api, ApiError, el, num } from './api.js';
import { linesByPath, splitProblem, lineOf } from './jsonplace.js';

const EXAMPLE = '{\n  "when": ["RSI14", "<", 30],\n  "cooldown": "30m",\n  "sinks": ["log"]\n}';

export default async function conditions(main) {
  const list = el('tbody', { id: 'conditions-rows' });
  const name = el('input', { id: 'condition-name', 'aria-label': 'Condition name', placeholder: 'name', required: true });
  const text = el('textarea', { id: 'condition-text', 'aria-label': 'Condition JSON', spellcheck: 'false' });
  const gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const problems = el('ul', { id: 'condition-problems', class: 'problems', 'aria-live': 'polite' });
  const state = el('span', { id: 'condition-state', class: 'pill' }, '…');
  const save = el('button', { type: 'button', id: 'condition-save', disabled: true }, 'Save');
  const symbol = el('select', { id: 'preview-symbol', 'aria-label': 'Ticker to preview on' });
  const previewButton = el('button', { type: 'button', id: 'preview-run' }, 'What would have hit');
  const preview = el('div', { id: 'preview-result' });
  const saved = el('p', { id: 'condition-saved', role: 'status' });
  text.value = EXAMPLE;
  main.append(el('h1', {}, 'Conditions'),
    el('div', { class: 'scroll' }, el('table', { id: 'conditions' }, el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col', class: 'text' }, 'Form'),
      el('th', { scope: 'col', class: 'text' }, 'Symbols'), el('th', { scope: 'col', class: 'text' }, 'Check'),
      el('th', { scope: 'col', class: 'text hide-narrow' }, 'Sinks'), el('th', { scope: 'col' }, ''))), list)),
    el('h2', {}, 'Edit or add'),
    el('div', { class: 'tools' }, el('label', { for: 'condition-name' }, 'Name'), name, state, save,
      el('button', { type: 'button', onclick: () => { name.value = ''; text.value = EXAMPLE; check(); } }, 'New')),
    el('p', { class: 'muted' }, 'The native form ({"when": ...}) or the jazzstock form ({"COLUMN": [OP, ARG]}).'),
    el('div', { class: 'editor' }, gutter, text), problems, saved,
    el('div', { class: 'tools' }, symbol, previewButton), preview);

  let valid = false;
  let timer = null;
  let asked = 0;

  /** Marks each problem's line in the gutter and lists it with its place. */
  function show(found) {
    const lines = linesByPath(text.value);
    const bad = new Set();
    problems.replaceChildren(...found.map(({ place, message, line }) => {
      const at = line || lineOf(lines, place);
      bad.add(at);
      return el('li', { class: 'error', 'data-place': place, 'data-line': at },
        el('span', { class: 'place' }, `line ${at}${place ? ` · ${place}` : ''}`), ' ', message);
    }));
    const n = text.value.split('\n').length;
    gutter.replaceChildren(...Array.from({ length: n }, (_, k) =>
      el('div', { class: bad.has(k + 1) ? 'bad' : null, 'data-line': k + 1 }, String(k + 1))));
  }

  function setValid(ok, label) {
    valid = ok;
    state.textContent = label;
    state.className = `pill ${ok ? 'ok' : 'bad'}`;
    save.disabled = !ok;
  }

  async function check() {
    const mine = ++asked;
    saved.textContent = '';
    let body;
    try {
      body = JSON.parse(text.value);
    } catch (e) {
      const pos = /position (\d+)/.exec(e.message);
      const line = pos ? text.value.slice(0, Number(pos[1])).split('\n').length : 1;
      setValid(false, 'invalid JSON');
      show([{ place: '', message: e.message, line }]);
      return;
    }
    if (!name.value.trim()) {
      setValid(false, 'needs a name');
      show([]);
      return;
    }
    try {
      await api('/api/conditions/validate', { method: 'POST', body: JSON.stringify({ [name.value.trim()]: body }) });
      if (mine !== asked) return;
      setValid(true, 'valid');
      show([]);
    } catch (e) {
      if (mine !== asked) return;
      const detail = e instanceof ApiError && e.body ? e.body.detail : null;
      const found = Array.isArray(detail) ? detail.map(splitProblem)
        : [{ place: '', message: e.body && e.body.error ? `${e.body.error}${detail && detail.available ? ` (available: ${detail.available.join(', ')})` : ''}` : String(e) }];
      setValid(false, `${found.length} problem${found.length > 1 ? 's' : ''}`);
      show(found);
    }
  }

  const later = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
  text.addEventListener('input', later);
  name.addEventListener('input', later);
  text.addEventListener('scroll', () => { gutter.scrollTop = text.scrollTop; });

  save.addEventListener('click', async () => {
    if (!valid) return;
    try {
      await api(`/api/conditions/${encodeURIComponent(name.value.trim())}`, { method: 'PUT', body: text.value });
      saved.textContent = `Saved ${name.value.trim()}: it applies from each ticker's next tick.`;
      await load();
    } catch (e) {
      saved.textContent = `Not saved: ${e.message}`;
    }
  });

  previewButton.addEventListener('click', async () => {
    preview.replaceChildren(el('p', { class: 'muted' }, 'Evaluating…'));
    let condition;
    try { condition = JSON.parse(text.value); } catch { preview.replaceChildren(el('p', { class: 'error' }, 'Fix the JSON first.')); return; }
    try {
      const r = await api('/api/conditions/preview', { method: 'POST',
        body: JSON.stringify({ symbol: symbol.value, name: name.value.trim() || 'preview', condition }) });
      preview.replaceChildren(el('p', {}, `${r.hits.length} hit(s) over the ${r.bars} kept bars of ${r.symbol}.`),
        el('ul', {}, r.hits.map((h) => el('li', {},
          el('a', { href: `#/ticker/${encodeURIComponent(h.symbol)}/${encodeURIComponent(h.bar)}` }, h.bar.replace('T', ' ').slice(0, 16)),
          ' ', Object.entries(h.values).map(([k, v]) => `${k} ${num(v)}`).join(', ')))));
    } catch (e) {
      preview.replaceChildren(el('p', { class: 'error' }, e.status === 404 ? 'Preview is not available for this ticker.'
        : `${e.message}${e.body && Array.isArray(e.body.detail) ? `: ${e.body.detail.join('; ')}` : ''}`));
    }
  });

  async function load() {
    const [all, tickers] = await Promise.all([api('/api/conditions'), api('/api/tickers')]);
    list.replaceChildren(...all.map((c) => el('tr', { 'data-condition': c.name },
      el('td', {}, c.name), el('td', { class: 'text' }, c.form),
      el('td', { class: 'text' }, Array.isArray(c.symbols) ? c.symbols.join(', ') : c.symbols),
      el('td', { class: 'text' }, c.check), el('td', { class: 'text hide-narrow' }, c.sinks.join(', ')),
      el('td', {}, el('button', { type: 'button', onclick: () => {
        name.value = c.name;
        text.value = JSON.stringify(c.source, null, 2);
        check();
        text.focus();
      } }, 'Edit')))));
    if (!all.length) list.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No conditions yet.')));
    const chosen = symbol.value;
    symbol.replaceChildren(...tickers.map((t) => el('option', { value: t.symbol, selected: t.symbol === chosen }, t.symbol)));
    previewButton.disabled = !tickers.length;
  }
  await load();
  show([]);
  return () => clearTimeout(timer);
}
