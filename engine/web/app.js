// The dashboard: hash routes to one page module each; every page gets the <main> element and
// returns a function that undoes its live subscriptions when the route changes.
import { connectLive } from './api.js';
import overview from './overview.js';
import ticker from './ticker.js';
import alerts from './alerts.js';
import conditions from './conditions.js';
import operations from './operations.js';

const PAGES = { overview, ticker, alerts, conditions, operations };
let leave = null;

async function route() {
  const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  const page = PAGES[name] ? name : 'overview';
  document.querySelectorAll('nav a').forEach((a) => {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (leave) leave();
  leave = null;
  const main = document.getElementById('main');
  main.replaceChildren();
  try {
    leave = await PAGES[page](main, rest.map(decodeURIComponent));
  } catch (e) {
    main.append(Object.assign(document.createElement('p'), { className: 'error', textContent: String(e.message || e) }));
    console.error(e);
  }
}

function status(up) {
  const s = document.getElementById('live');
  s.textContent = up ? 'live' : 'reconnecting…';
  s.className = `live ${up ? 'on' : 'off'}`;
}

window.addEventListener('hashchange', route);
route();
connectLive(status).catch((e) => {
  console.error(e);
  status(false);
});
