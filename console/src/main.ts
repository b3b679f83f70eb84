/**
 * The Clarion console's single-page app: a header with the five pages, routed by preact-iso
 * under /console/. Rendered into #app of the shell the server writes.
 */
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { render } from 'preact';
import { LocationProvider, Router, Route, useLocation } from 'preact-iso';
import { BASE, session } from './api.js';
import { html } from './ui/html.js';
import { OverviewPage } from './pages/overview.js';
import { EventsPage } from './pages/events.js';
import { EventPage } from './pages/event.js';
import { ReviewsPage } from './pages/reviews.js';
import { PolicyPage } from './pages/policy.js';
import { TryPage } from './pages/try.js';
import { useData } from './ui/data.js';

const PAGES = [
  { path: `${BASE}/`, label: 'Overview' },
  { path: `${BASE}/events`, label: 'Events' },
  { path: `${BASE}/reviews`, label: 'Reviews' },
  { path: `${BASE}/policy`, label: 'Policy' },
  { path: `${BASE}/try`, label: 'Try it' },
];

function Header() {
  const { path } = useLocation();
  const [me] = useData(session, 'session');
  const current = (page: string): boolean => (page === `${BASE}/` ? path === page : path.startsWith(page));
  return html`<header class="top">
    <a class="skip" href="#main">Skip to content</a>
    <a class="brand" href=${`${BASE}/`}>Clarion</a>
    <nav aria-label="Console pages">
      <ul>
        ${PAGES.map((p) => html`<li><a href=${p.path} aria-current=${current(p.path) ? 'page' : undefined}>${p.label}</a></li>`)}
      </ul>
    </nav>
    <form class="signout" method="post" action=${`${BASE}/signout`}>
      ${me.state === 'ready' ? html`<span class="muted who">${me.data.name} · ${me.data.storage} store</span>` : null}
      <button type="submit" class="link">Sign out</button>
    </form>
  </header>`;
}

function NotFound() {
  return html`<div class="state state-empty">
    <p><strong>No such page.</strong></p>
    <p><a href=${`${BASE}/`}>Go to the overview</a></p>
  </div>`;
}

function App() {
  return html`<${LocationProvider} scope=${BASE}>
    <${Header} />
    <main id="main" class="page" tabindex="-1">
      <${Router} onRouteChange=${() => document.getElementById('main')?.focus()}>
        <${Route} path=${`${BASE}/`} component=${OverviewPage} />
        <${Route} path=${`${BASE}/events`} component=${EventsPage} />
        <${Route} path=${`${BASE}/events/:id`} component=${EventPage} />
        <${Route} path=${`${BASE}/reviews`} component=${ReviewsPage} />
        <${Route} path=${`${BASE}/policy`} component=${PolicyPage} />
        <${Route} path=${`${BASE}/try`} component=${TryPage} />
        <${Route} default component=${NotFound} />
      <//>
    </main>
  <//>`;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
