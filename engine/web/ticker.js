// Ticker: 5-minute candles with volume, PSMA 5/20/60 and Bollinger bands, panes for RSI, MACD and
// slow stochastic, hits as markers; the forming bar moves with the live stream; scrolling left
// loads older bars from the archive where the node has it; the daily supply/demand chart beneath.
import { api, optional, on, el, num, chartTime } from './api.js';

const COLORS = { PSMA5: '#f0b429', PSMA20: '#4ea1ff', PSMA60: '#c678dd', BB: '#5c6773' };

function chartOptions() {
  return {
    autoSize: true,
    layout: { background: { color: '#171d24' }, textColor: '#d8dee6', attributionLogo: true },
    grid: { vertLines: { color: '#222a33' }, horzLines: { color: '#222a33' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    rightPriceScale: { borderColor: '#2a323c' },
  };
}

export default async function ticker(main, [symbol, at]) {
  if (!symbol) {
    const tickers = await api('/api/tickers');
    main.append(el('h1', {}, 'Ticker'), tickers.length
      ? el('ul', {}, tickers.map((t) => el('li', {}, el('a', { href: `#/ticker/${encodeURIComponent(t.symbol)}` }, t.symbol))))
      : el('p', { class: 'muted' }, 'No tickers watched yet.'));
    return null;
  }
  const enc = encodeURIComponent(symbol);
  const [status, bars, hits] = await Promise.all([api(`/api/tickers/${enc}`), api(`/api/tickers/${enc}/bars?limit=500`),
    api(`/api/hits?symbol=${enc}&limit=1000`)]);
  const lastPrice = el('span', { id: 'ticker-last' });
  const forming = el('span', { id: 'ticker-forming', class: 'muted' });
  const box = el('div', { id: 'ticker-chart', class: 'chart', role: 'img',
    'aria-label': `${symbol} candles with indicators; the alerts page lists the hits as text` });
  const dailyBox = el('div', { id: 'daily-chart', class: 'chart small' });
  const extra = el('div', { class: 'grid', id: 'ticker-extra' });
  main.append(el('h1', {}, symbol, ' ', el('span', { class: 'pill' }, status.market || '')),
    el('div', { class: 'tools' }, 'Last ', lastPrice, ' · forming ', forming,
      el('span', { class: 'muted' }, ` · ${status.bars_closed} bars closed, ${status.accepted} ticks`)),
    box, el('h2', {}, 'Daily: price with institutional and foreign net buying'), dailyBox, extra);

  const LC = window.LightweightCharts;
  const chart = LC.createChart(box, chartOptions());
  const candles = chart.addSeries(LC.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350',
    borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350' }, 0);
  const volume = chart.addSeries(LC.HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' },
    lastValueVisible: false, priceLineVisible: false }, 0);
  chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const line = (color, pane, title = '') => chart.addSeries(LC.LineSeries, { color, lineWidth: 1, title,
    lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false }, pane);
  const lines = {
    PSMA5: line(COLORS.PSMA5, 0), PSMA20: line(COLORS.PSMA20, 0), PSMA60: line(COLORS.PSMA60, 0),
    BBU: line(COLORS.BB, 0), BBL: line(COLORS.BB, 0),
    RSI14: line('#f0b429', 1, 'RSI14'), MACD: line('#4ea1ff', 2, 'MACD'), MACD_SIGNAL: line('#ef5350', 2, 'signal'),
    STOCH_K: line('#26a69a', 3, 'slow %K'), STOCH_D: line('#ef5350', 3, '%D'),
  };
  const macdHist = chart.addSeries(LC.HistogramSeries, { lastValueVisible: false, priceLineVisible: false }, 2);
  chart.panes().forEach((p, i) => p.setStretchFactor(i === 0 ? 4 : 1));
  const markers = LC.createSeriesMarkers(candles, []);

  const shown = new Map(); // chart time -> bar (closed ones with indicators)
  let markerList = [];
  function put(bar, closed) {
    const t = chartTime(bar.start);
    const old = shown.get(t);
    if (closed || !old) shown.set(t, bar);
    candles.update({ time: t, open: bar.open, high: bar.high, low: bar.low, close: bar.close });
    volume.update({ time: t, value: bar.volume, color: bar.close >= bar.open ? '#26a69a55' : '#ef535055' });
    if (closed) {
      for (const [k, s] of Object.entries(lines)) if (bar[k] !== undefined) s.update({ time: t, value: bar[k] });
      if (bar.MACD_HIST !== undefined) macdHist.update({ time: t, value: bar.MACD_HIST,
        color: bar.MACD_HIST >= 0 ? '#26a69a' : '#ef5350' });
    }
    lastPrice.textContent = num(bar.close);
  }
  function setAll(list) {
    const sorted = [...list].sort((a, b) => chartTime(a.start) - chartTime(b.start));
    shown.clear();
    const data = (f) => sorted.filter((b) => f(b) !== undefined).map((b) => ({ time: chartTime(b.start), value: f(b) }));
    candles.setData(sorted.map((b) => ({ time: chartTime(b.start), open: b.open, high: b.high, low: b.low, close: b.close })));
    volume.setData(sorted.map((b) => ({ time: chartTime(b.start), value: b.volume,
      color: b.close >= b.open ? '#26a69a55' : '#ef535055' })));
    for (const [k, s] of Object.entries(lines)) s.setData(data((b) => b[k]));
    macdHist.setData(data((b) => b.MACD_HIST).map((d) => ({ ...d, color: d.value >= 0 ? '#26a69a' : '#ef5350' })));
    sorted.forEach((b) => shown.set(chartTime(b.start), b));
  }
  function addMarker(h) {
    markerList.push({ time: chartTime(h.bar), position: 'aboveBar', color: '#f0b429', shape: 'arrowDown', text: h.condition });
    markerList.sort((a, b) => a.time - b.time);
    markers.setMarkers(markerList);
    box.dataset.markers = String(markerList.length);
  }

  let history = [...bars];
  setAll(history);
  if (status.forming) { put(status.forming, false); forming.textContent = num(status.forming.close); }
  hits.forEach(addMarker);
  if (history.length < 120) chart.timeScale().fitContent();
  if (at) {
    const t = chartTime(at);
    chart.timeScale().setVisibleRange({ from: t - 30 * 300, to: t + 30 * 300 });
  }

  // scroll-back through the bar archive (GET /api/tickers/{s}/bars?from=&to=), where the node has it
  let archive = true;
  let loading = false;
  chart.timeScale().subscribeVisibleLogicalRangeChange(async (range) => {
    if (!archive || loading || !range || range.from > 10 || !history.length) return;
    loading = true;
    const to = history[0].start;
    const from = new Date(Date.parse(to) - 500 * 300_000).toISOString();
    const older = await optional(`/api/tickers/${enc}/bars?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const fresh = older && older.bars ? older.bars.filter((b) => Date.parse(b.start) < Date.parse(to)) : [];
    if (!fresh.length) archive = false;
    else { history = [...fresh, ...history]; setAll(history); }
    loading = false;
  });

  const offs = [
    on('bar', (b) => {
      if (b.symbol !== symbol) return;
      put(b.bar, b.closed);
      if (b.closed) history.push(b.bar);
      else forming.textContent = num(b.bar.close);
      box.dataset.updates = String(Number(box.dataset.updates || 0) + 1);
    }),
    on('hit', (h) => { if (h.symbol === symbol) addMarker(h); }),
    on('reset', async () => {
      history = await api(`/api/tickers/${enc}/bars?limit=500`);
      setAll(history);
      markerList = [];
      (await api(`/api/hits?symbol=${enc}&limit=1000`)).forEach(addMarker);
    }),
  ];

  daily(dailyBox, enc);
  quotesAndMembers(extra, status);
  return () => { offs.forEach((off) => off()); chart.remove(); };
}

/** The daily chart with institutional and foreign net buying beneath (GET /api/tickers/{s}/daily). */
async function daily(box, enc) {
  const d = await optional(`/api/tickers/${enc}/daily?limit=250`);
  if (!d || !d.days || !d.days.length) {
    box.classList.remove('chart');
    box.replaceChildren(el('p', { class: 'muted', id: 'daily-na' }, 'Daily data is not available on this node.'));
    return;
  }
  const LC = window.LightweightCharts;
  const chart = LC.createChart(box, chartOptions());
  const t = (day) => Date.parse(`${day.date}T00:00:00Z`) / 1000;
  chart.addSeries(LC.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false }, 0)
    .setData(d.days.map((x) => ({ time: t(x), open: x.open, high: x.high, low: x.low, close: x.close })));
  const inst = chart.addSeries(LC.HistogramSeries, { color: '#4ea1ff', title: 'institutions' }, 1);
  const foreign = chart.addSeries(LC.HistogramSeries, { color: '#f0b429', title: 'foreigners' }, 2);
  inst.setData(d.days.filter((x) => x.inst_net != null).map((x) => ({ time: t(x), value: x.inst_net,
    color: x.inst_net >= 0 ? '#26a69a' : '#ef5350' })));
  foreign.setData(d.days.filter((x) => x.foreign_net != null).map((x) => ({ time: t(x), value: x.foreign_net,
    color: x.foreign_net >= 0 ? '#26a69a' : '#ef5350' })));
  chart.panes().forEach((p, i) => p.setStretchFactor(i === 0 ? 3 : 1));
}

/** Quotes (order book) and member flow, where the ticker's feed has them (LS). */
function quotesAndMembers(box, status) {
  const table = (title, rows) => {
    if (!rows || (Array.isArray(rows) && !rows.length)) return null;
    const list = Array.isArray(rows) ? rows : Object.entries(rows).map(([k, v]) => ({ name: k, value: v }));
    const keys = Object.keys(list[0] || {});
    return el('div', { class: 'card' }, el('h2', {}, title), el('div', { class: 'scroll' }, el('table', {},
      el('thead', {}, el('tr', {}, keys.map((k) => el('th', { scope: 'col' }, k)))),
      el('tbody', {}, list.map((r) => el('tr', {}, keys.map((k) => el('td', {},
        typeof r[k] === 'number' ? num(r[k]) : typeof r[k] === 'object' ? JSON.stringify(r[k]) : String(r[k] ?? '—')))))))));
  };
  const q = table('Quotes', status.quotes);
  const m = table('Member flow', status.members);
  if (q) box.append(q);
  if (m) box.append(m);
}
