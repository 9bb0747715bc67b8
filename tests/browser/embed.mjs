// Browser checks of what other sites embed (docs/embed.md), called by check.mjs:
//   - embed.js on a host page served on one loopback port, reading a vigie build served on
//     another by a server that sends the headers of the build's `_headers` (CORS, CSP):
//     the banner with an ongoing incident (its link, axe-core, dismissal kept after a
//     reload for that incident only), nothing when all is well, nothing and no error when
//     the status site is down, the options, the host page's language;
//   - embed/ in an iframe of the host page (framing allowed), the other pages refused;
//   - the Statuspage status widget (@statuspage/status-widget, the web component hosters
//     already use) on the host page, reading a vigie build unchanged;
//   - every page under its Content-Security-Policy: no violation, Markdown images over
//     https still load (answered by a route, never the network).

import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(import.meta.url));

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.json': 'application/json' };
// A 1×1 PNG, for the images of the hostile fixture.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** The rules of a `_headers` file: [{ pattern, headers: [[name, value]] }]. */
function readHeaders(file) {
  const rules = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (/^\s/.test(line)) {
      const at = line.indexOf(':');
      rules.at(-1).headers.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
    } else rules.push({ pattern: line.trim(), headers: [] });
  }
  return rules;
}

/** Serves the build `root` at `/`, with the headers of every `_headers` rule that matches
 *  (as Netlify and Cloudflare Pages apply them). `api: false` makes the API fail (the
 *  connection is dropped) while the rest answers. */
async function statusServer(root, { api = true } = {}) {
  const rules = readHeaders(path.join(root, '_headers'));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x').pathname;
    if (!api && url.includes('/api/')) { req.socket.destroy(); return; }
    let file = path.resolve(root, decodeURIComponent(url).slice(1));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(root) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    for (const r of rules) {
      const hit = r.pattern.endsWith('*') ? url.startsWith(r.pattern.slice(0, -1)) : url === r.pattern;
      if (hit) for (const [k, v] of r.headers) headers[k] = headers[k] ? `${headers[k]}, ${v}` : v;
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.base = `http://127.0.0.1:${server.address().port}/`;
  return server;
}

/** A host page: a client area of another site, loading the status site's embed.js. */
function hostPage({ lang = 'en', script = '', body = '' }) {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Client area</title></head>
<body>
<header><p>Hoster client area</p></header>
<main><h1>Your services</h1><p>Your invoices, domains and mailboxes.</p>${body}</main>
${script}
</body>
</html>`;
}

export async function embedChecks({ browser, check, SITES, axeProblems, DESKTOP, SHOTS, SHOT_DIR, PAGES, HOSTILE_PAGES, urlOf }) {
  const pages = new Map();
  let widget = null;
  try { widget = fs.readFileSync(require.resolve('@statuspage/status-widget/dist/index.js')); } catch { /* reported below */ }
  const host = http.createServer((req, res) => {
    if (req.url === '/status-widget.js' && widget) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(widget);
      return;
    }
    const html = pages.get(new URL(req.url, 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? '');
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  const HOST = `http://127.0.0.1:${host.address().port}`;
  const servers = {
    ongoing: await statusServer(SITES.ongoing.out),
    example: await statusServer(SITES.example.out),
    window: await statusServer(SITES.window.out),
    apiDown: await statusServer(SITES.ongoing.out, { api: false }),
  };
  const stopped = await statusServer(SITES.ongoing.out);
  const stoppedBase = stopped.base;
  await new Promise((resolve) => stopped.close(resolve));

  /** Opens a host page at `at` with `attrs` on the script tag; records page errors and the
   *  console's errors (but the browser's own line for a resource that did not load, which
   *  no script can silence: the network is the browser's). */
  async function visit(context, status, { at = SITES.ongoing.now, attrs = '', lang, name = '/' + Math.random().toString(36).slice(2) } = {}) {
    pages.set(name, hostPage({ lang, script: `<script src="${status}embed.js" defer${attrs}></script>` }));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: net::|^Failed to load resource: the server/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    await page.clock.setFixedTime(new Date(at));
    await page.goto(HOST + name, { waitUntil: 'networkidle' });
    page.errors = errors;
    page.hostName = name;
    return page;
  }
  const banner = (page) => page.evaluate(() => {
    const b = document.getElementById('vigie-embed');
    if (!b) return null;
    const a = b.querySelector('li a');
    const s = getComputedStyle(b);
    return {
      first: document.body.firstElementChild === b, last: document.body.lastElementChild === b,
      heading: b.querySelector('h2')?.textContent, href: a?.href, title: a?.textContent, titleLang: a?.lang,
      lang: b.lang, labelledBy: b.getAttribute('aria-labelledby'), close: b.querySelector('button')?.getAttribute('aria-label'),
      position: s.position, background: s.backgroundColor, items: b.querySelectorAll('li').length,
    };
  });
  const nothing = async (page) => {
    const b = await banner(page);
    const extra = await page.evaluate(() => document.body.children.length);
    return [...(b ? [`a banner was added: ${JSON.stringify(b)}`] : []), ...(extra !== 3 ? [`the body has ${extra} children, not 3`] : []), ...page.errors];
  };

  const light = await browser.newContext({ colorScheme: 'light', ...DESKTOP });
  const ongoing = servers.ongoing.base;
  const incident = `${ongoing}incidents/2026-11-25-api-errors/`;

  await check('embed.js: with an ongoing incident, a host page on another port shows the banner (a landmark with a heading, the worst status, the title, a link to the incident page, a close button)', async () => {
    const page = await visit(light, ongoing);
    const b = await banner(page);
    await page.close();
    if (!b) return ['no banner', ...page.errors];
    const problems = [...page.errors];
    if (!b.first) problems.push('the banner is not at the top of the body');
    if (b.heading !== 'Service status: Partial outage') problems.push(`heading “${b.heading}”`);
    if (b.title !== 'Elevated API error rates') problems.push(`title “${b.title}”`);
    if (b.href !== incident) problems.push(`link ${b.href}, expected ${incident}`);
    if (b.labelledBy !== 'vigie-embed-heading' || b.close !== 'Close the banner') problems.push(`landmark or button: ${JSON.stringify(b)}`);
    const r = await light.request.get(b.href);
    if (r.status() !== 200 || !(await r.text()).includes('Elevated API error rates')) problems.push(`the link answers ${r.status()}`);
    return problems;
  });

  await check('embed.js: the host page with the banner passes axe-core (WCAG 2 A/AA), light and dark theme', async () => {
    const problems = [];
    for (const theme of ['light', 'dark']) {
      const page = await visit(light, ongoing, { attrs: ` data-theme="${theme}"` });
      const region = await page.getByRole('region', { name: 'Service status: Partial outage' }).count();
      if (region !== 1) problems.push(`${theme}: ${region} region landmarks named by the heading`);
      problems.push(...(await axeProblems(page)).map((p) => `${theme}: ${p}`), ...page.errors);
      await page.close();
    }
    return problems;
  });

  await check('embed.js: closed, the banner stays closed after a reload, for that incident only', async () => {
    const context = await browser.newContext({ colorScheme: 'light', ...DESKTOP });
    const page = await visit(context, ongoing);
    const problems = [];
    await page.getByRole('button', { name: 'Close the banner' }).click();
    if (await banner(page)) problems.push('still there after the close button');
    const cookies = await context.cookies();
    if (cookies.length) problems.push(`cookies set: ${JSON.stringify(cookies)}`);
    await page.reload({ waitUntil: 'networkidle' });
    if (await banner(page)) problems.push('back after a reload');
    // Another incident (the same summary, the incident's id changed): shown again.
    await page.route(`${ongoing}api/v2/summary.json`, async (route) => {
      const r = await route.fetch();
      const body = (await r.text()).replaceAll('"2026-11-25-api-errors"', '"2026-11-25-other"');
      await route.fulfill({ response: r, body });
    });
    await page.reload({ waitUntil: 'networkidle' });
    if (!(await banner(page))) problems.push('a new incident is not shown after one was closed');
    problems.push(...page.errors);
    await page.close();
    await context.close();
    return problems;
  });

  await check('embed.js: with everything operational (the example site), nothing is added and no error', async () => {
    const page = await visit(light, servers.example.base, { at: SITES.example.now, lang: 'fr' });
    const problems = await nothing(page);
    await page.close();
    return problems;
  });

  await check('embed.js: the status site down (its API dropping connections; the whole site stopped): nothing added, no error', async () => {
    const problems = [];
    for (const [label, base] of [['API down', servers.apiDown.base], ['site stopped', stoppedBase]]) {
      const page = await visit(light, base);
      problems.push(...(await nothing(page)).map((p) => `${label}: ${p}`));
      await page.close();
    }
    return problems;
  });

  await check('embed.js: a maintenance starting within a day (window site at 00:30, starting at 01:00 UTC) shows, in the site\'s language on a French page', async () => {
    const page = await visit(light, servers.window.base, { at: SITES.window.now, lang: 'fr-FR' });
    const b = await banner(page);
    await page.close();
    if (!b) return ['no banner', ...page.errors];
    return [
      ...(b.heading === 'État des services\u00a0: Maintenance prévue' ? [] : [`heading “${b.heading}”`]),
      ...(b.lang === 'fr' ? [] : [`lang ${b.lang}`]),
      ...page.errors,
    ];
  });

  await check('embed.js: a maintenance two days away, or incidents of other components (data-components) add nothing', async () => {
    const problems = [];
    let page = await visit(light, servers.window.base, { at: '2026-11-29T00:30:00Z' });
    problems.push(...(await nothing(page)).map((p) => `two days before: ${p}`));
    await page.close();
    page = await visit(light, ongoing, { attrs: ' data-components="storage, email"' });
    problems.push(...(await nothing(page)).map((p) => `storage, email: ${p}`));
    await page.close();
    for (const only of ['dashboard', 'group-platform']) {
      page = await visit(light, ongoing, { attrs: ` data-components="${only}"` });
      if (!(await banner(page))) problems.push(`data-components="${only}": no banner for the incident that touches it`);
      await page.close();
    }
    return problems;
  });

  await check('embed.js: data-position="bottom", data-theme="dark", and the host page\'s language (French page, English site)', async () => {
    const page = await visit(light, ongoing, { attrs: ' data-position="bottom" data-theme="dark"', lang: 'fr' });
    const b = await banner(page);
    await page.close();
    if (!b) return ['no banner', ...page.errors];
    const problems = [...page.errors];
    if (!b.last || b.position !== 'fixed') problems.push(`not fixed at the bottom: last ${b.last}, ${b.position}`);
    if (b.background !== 'rgb(30, 30, 30)') problems.push(`background ${b.background}`);
    if (b.heading !== 'État des services\u00a0: Panne partielle' || b.lang !== 'fr') problems.push(`heading “${b.heading}” (${b.lang})`);
    if (b.titleLang !== 'en') problems.push(`the English title is not marked lang="en" (${b.titleLang})`);
    return problems;
  });

  await check('embed/: framed by a host page on another port (light and dark pass axe-core), while the other pages refuse to be framed', async () => {
    const problems = [];
    pages.set('/frames', hostPage({ body: `<iframe title="Service status" src="${ongoing}embed/" width="400" height="300"></iframe><iframe title="Front page" src="${ongoing}" width="400" height="300"></iframe>` }));
    const page = await light.newPage();
    await page.goto(`${HOST}/frames`, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const [embed, front] = page.frames().slice(1);
    const heading = await embed?.evaluate(() => document.querySelector('h1')?.textContent).catch((e) => `error ${e.message}`);
    if (heading !== 'Acme Cloud status') problems.push(`embed/ in a frame: h1 ${heading}`);
    // Refused, the frame holds the browser's error page, not the site's.
    const framed = await front?.evaluate(() => document.querySelector('link[rel="canonical"]')?.href ?? null).catch(() => null);
    if (!front || framed) problems.push(`the front page was framed (${framed})`);
    await page.close();
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, ...DESKTOP });
      const p = await context.newPage();
      await p.goto(`${ongoing}embed/`);
      problems.push(...(await axeProblems(p)).map((x) => `${scheme}: ${x}`));
      await context.close();
    }
    return problems;
  });

  await check('Statuspage status widget (@statuspage/status-widget 1.0.5) on a host page reads a vigie build unchanged: the status in words and a link to the site, for an incident and when all is well', async () => {
    if (!widget) return ['@statuspage/status-widget missing: run tests/run once (cd tests/browser && npm install)'];
    const problems = [];
    for (const [label, base, words] of [['ongoing', ongoing, 'Partial System Outage'], ['example', servers.example.base, 'All Systems Operational']]) {
      const name = `/widget-${label}`;
      pages.set(name, hostPage({ body: `<statuspage-widget src="${base}"></statuspage-widget> <statuspage-widget src="${base}" appearance="badge" title="Status"></statuspage-widget>`, script: '<script src="/status-widget.js"></script>' }));
      const page = await light.newPage();
      const errors = [];
      // The widget's bundle itself throws this at load, on any page (Statuspage's own too).
      page.on('pageerror', (e) => { if (e.message !== 'parcelRequire is not defined') errors.push(`page error: ${e.message}`); });
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      await page.goto(HOST + name, { waitUntil: 'networkidle' });
      await page.waitForFunction((n) => [...document.querySelectorAll('statuspage-widget')].every((w) => w.shadowRoot?.textContent.includes(n)), words, { timeout: 5000 })
        .catch(() => errors.push(`the widgets do not say “${words}”`));
      const links = await page.evaluate(() => [...document.querySelectorAll('statuspage-widget')].flatMap((w) => [...w.shadowRoot.querySelectorAll('a')].map((a) => a.href)));
      if (links.length !== 2 || links.some((l) => l !== base)) errors.push(`links ${JSON.stringify(links)}`);
      problems.push(...errors.map((e) => `${label}: ${e}`));
      await page.close();
    }
    return problems;
  });

  await check('Content-Security-Policy: no page breaks under its policy (no violation), Markdown images over https load, the theme\'s script runs', async () => {
    const context = await browser.newContext({ colorScheme: 'light', ...DESKTOP });
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await context.route(/^https:\/\//, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
    const problems = [];
    let images = 0;
    for (const p of [...PAGES, ...HOSTILE_PAGES]) {
      const page = await context.newPage();
      await page.goto(urlOf(p), { waitUntil: 'networkidle' });
      const r = await page.evaluate(() => ({
        violations: window.cspViolations,
        images: [...document.images].filter((i) => i.src.startsWith('https:')).map((i) => [i.src, i.complete && i.naturalWidth > 0]),
        script: document.querySelector('script[src$="assets/live.js"]')?.src,
        // Loaded (a refused script is never requested), and run where it writes the age.
        loaded: performance.getEntriesByType('resource').some((e) => e.name.endsWith('assets/live.js')),
        ran: !document.querySelector('[data-generated]') || !!document.querySelector('[data-generated] .age'),
      }));
      await page.close();
      images += r.images.length;
      problems.push(...r.violations.map((v) => `${p.name}: ${v}`));
      problems.push(...r.images.filter(([, ok]) => !ok).map(([src]) => `${p.name}: ${src} did not load`));
      if (r.script && !(r.loaded && r.ran)) problems.push(`${p.name}: the theme's script did not run (loaded ${r.loaded})`);
    }
    if (images < 5) problems.push(`only ${images} https images seen`);
    await context.close();
    return problems;
  });

  if (SHOTS) {
    await check(`screenshots of the embeds written to ${SHOT_DIR}`, async () => {
      const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 800, height: 260 } });
      const page = await visit(context, ongoing);
      await page.screenshot({ path: path.join(SHOT_DIR, 'embed-banner.png') });
      await page.close();
      pages.set('/frame-shot', `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Frame</title></head><body style="margin:8px;background:#eee"><iframe title="Service status" src="${ongoing}embed/" width="380" height="260" style="border:1px solid #999;background:#fff"></iframe></body></html>`);
      const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 400, height: 280 } });
      const f = await dark.newPage();
      await f.goto(`${HOST}/frame-shot`, { waitUntil: 'networkidle' });
      await f.screenshot({ path: path.join(SHOT_DIR, 'embed-iframe-dark.png') });
      await dark.close();
      await context.close();
      return [];
    });
  }
  await check('screenshots of the embeds committed (docs/screenshots/embed-banner.png, embed-iframe-dark.png) and shown in docs/embed.md', () => {
    const doc = fs.readFileSync(path.join(SHOT_DIR, '..', 'embed.md'), 'utf8');
    return ['embed-banner.png', 'embed-iframe-dark.png'].flatMap((f) => [
      ...(fs.existsSync(path.join(SHOT_DIR, f)) ? [] : [`${f} missing: run node tests/browser/check.mjs --screenshots`]),
      ...(doc.includes(`screenshots/${f}`) ? [] : [`docs/embed.md does not show screenshots/${f}`]),
    ]);
  });

  await light.close();
  host.close();
  for (const s of Object.values(servers)) s.close();
}
