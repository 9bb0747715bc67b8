#!/usr/bin/env node
// Browser checks of the built site, in the tools a customer's browser and an auditor use.
//
// Builds the example site (the repository root), the `ongoing` fixture, the `branded`
// fixture (logo, accent colour, favicon, footer text, notice, custom.css) and the `hostile`
// fixture (incidents whose Markdown carries scripts, broken markup, dangerous links…) with
// a fixed `--now`, then:
//   1. the Nu HTML Checker on every page (and SVG) of the three builds;
//   2. axe-core (WCAG 2.x A and AA) in headless Chromium, light and dark colour schemes
//      (for the hostile fixture, on the incident pages that show the posts);
//   3. the phone layout at 390 px (no sideways scrolling, text size, touch targets) and the
//      desktop layout at 1280 px (components in their groups);
//   4. the front page without JavaScript, the weight of its CSS, no web font, no script;
//   5. the uptime history: on the front page one drawing per component (its runs with a
//      tooltip each) and its text (the uptime, the incident days as links); on a
//      component's page the day-by-day bars (text alternatives, keyboard access); never
//      colour alone; the groups folded without a script;
//   6. the "last built" line and the ongoing incident right after the banner;
//   7. screenshots in docs/screenshots/, of the example and of the branded site (written only with --screenshots or
//      VIGIE_SCREENSHOTS=1; their presence is always checked);
//   8. between builds: the `window` fixture built at 00:30 UTC and read at 01:05 UTC, with
//      and without JavaScript, against a build at 01:05; the check of api/build.json;
//   9. what other sites embed (embed.mjs): embed.js on a host page of another port, the
//      iframe page embed/, and every page under its Content-Security-Policy.
//
// Pages are read with the browser's clock set to their build time (the theme's script
// shows the states the build prepared for later times), except where a check sets another.
//
// Prints one line per check, then `browser: N passed, M failed`; exits 1 if any failed.
// Every tool it needs is installed by `tests/run`; a missing one is a failure, never a skip.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { embedChecks } from './embed.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(path.join(HERE, 'package.json'));
const NOW = '2026-11-25T12:00:00+01:00';
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.argv.includes('--screenshots') || process.env.VIGIE_SCREENSHOTS === '1';
const SHOT_DIR = path.join(REPO, 'docs', 'screenshots');
const INSTALL_HINT = 'run tests/run once: it installs chromium, java and the npm packages of tests/browser';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

// The touch-target rule (WCAG 2.5.5 size, with the exceptions of 2.5.8), checked at 390 px:
// every visible link or button is at least 44×44 CSS px, unless
//   - it is INLINE in a sentence: rendered `display: inline` inside a block whose own text
//     (outside this link) holds at least one word, as links in running text are; or
//   - it is a day of an uptime chart (`li.bar a`, a few px wide by nature) and the SAME
//     page offers an equivalent link to the same address that itself passes the rule
//     (2.5.8's "equivalent" exception: on a phone each component lists its incident days).
const TARGET = 44;
// Text size rule at 390 px: the body's font size and all running text in <main> (paragraphs,
// list items, definitions, table cells that hold text) are at least 16 px; the secondary
// lines listed in SECONDARY (dates and badges under a title, chart legends, tooltips, counts,
// the page footer) at least 14 px.
const BODY_MIN = 16;
const SECONDARY_MIN = 14;
const SECONDARY = '.meta, .post-meta, .uptime-legend, .badge, .tip, .count, .footnote-definition, footer';

let passed = 0;
let failed = 0;
const started = Date.now();

function report(ok, name, problems = []) {
  if (ok) {
    passed += 1;
    console.log(`ok    ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${name}`);
    for (const p of problems.slice(0, 25)) console.log(`        ${String(p).replace(/\n/g, '\n        ')}`);
    if (problems.length > 25) console.log(`        … and ${problems.length - 25} more`);
  }
}

/** Runs `fn`, which returns a list of problems (empty: the check passes). */
async function check(name, fn) {
  try {
    const problems = (await fn()) ?? [];
    report(problems.length === 0, name, problems);
    return problems.length === 0;
  } catch (e) {
    report(false, name, [e && e.stack ? e.stack : String(e)]);
    return false;
  }
}

function finish() {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`(${secs} s)`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------
// Tools

let vnuJar = null;
let playwright = null;
let axePath = null;
const tools = [];
tools.push(await check('tool: java (Nu HTML Checker runs on it)', () => {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.status === 0 ? [] : [`java not found (${r.error?.message ?? r.stderr}): ${INSTALL_HINT} (apt-get install default-jre-headless)`];
}));
tools.push(await check(`tool: chromium at ${CHROMIUM}`, () =>
  fs.existsSync(CHROMIUM) ? [] : [`${CHROMIUM} is missing: ${INSTALL_HINT} (apt-get install chromium)`]));
tools.push(await check('tool: npm packages vnu-jar, playwright-core, axe-core in tests/browser/node_modules', async () => {
  const problems = [];
  try { vnuJar = String(require('vnu-jar')); } catch { problems.push(`vnu-jar missing: ${INSTALL_HINT} (cd tests/browser && npm install)`); }
  try { playwright = require('playwright-core'); } catch { problems.push(`playwright-core missing: ${INSTALL_HINT} (cd tests/browser && npm install)`); }
  try { axePath = require.resolve('axe-core/axe.min.js'); } catch { problems.push(`axe-core missing: ${INSTALL_HINT} (cd tests/browser && npm install)`); }
  return problems;
}));
if (tools.includes(false)) finish();

// ---------------------------------------------------------------------------------------
// Build the sites

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-browser-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const SITES = {
  example: { root: REPO, out: path.join(tmp, 'example') },
  ongoing: { root: path.join(REPO, 'tests', 'fixtures', 'ongoing'), out: path.join(tmp, 'ongoing') },
  hostile: { root: path.join(REPO, 'tests', 'fixtures', 'hostile'), out: path.join(tmp, 'hostile') },
  branded: { root: path.join(REPO, 'tests', 'fixtures', 'branded'), out: path.join(tmp, 'branded') },
  // A maintenance from 02:00 to 03:00 in Paris on 1 December, built before it and during it.
  window: { root: path.join(REPO, 'tests', 'fixtures', 'window'), out: path.join(tmp, 'window'), now: '2026-12-01T00:30:00Z' },
  'window-during': { root: path.join(REPO, 'tests', 'fixtures', 'window'), out: path.join(tmp, 'window-during'), now: '2026-12-01T01:05:00Z' },
  // French by default, English under en/.
  bilingual: { root: path.join(REPO, 'tests', 'fixtures', 'bilingual'), out: path.join(tmp, 'bilingual') },
};
for (const s of Object.values(SITES)) s.now ??= NOW;
const built = await check(`build: example, ongoing, branded, hostile and bilingual sites with --now ${NOW}; window at 00:30 and 01:05 UTC`, () => {
  const cargo = spawnSync('cargo', ['build', '--quiet'], { cwd: REPO, encoding: 'utf8' });
  if (cargo.status !== 0) return [`cargo build failed:\n${cargo.stderr}`];
  // Cargo's own answer, which follows CARGO_TARGET_DIR and .cargo/config.toml.
  const meta = spawnSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (meta.status !== 0) return [`cargo metadata failed:\n${meta.stderr}`];
  const bin = path.join(JSON.parse(meta.stdout).target_directory, 'debug', 'vigie');
  const problems = [];
  for (const [name, s] of Object.entries(SITES)) {
    const r = spawnSync(bin, ['build', '--root', s.root, '--out', s.out, '--now', s.now], { encoding: 'utf8' });
    if (r.status !== 0) problems.push(`vigie build of ${name} failed (${r.status}):\n${r.stderr}`);
  }
  return problems;
});
if (!built) finish();

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
const files = Object.values(SITES).flatMap((s) => walk(s.out));
const htmlFiles = files.filter((f) => f.endsWith('.html'));

/** Reads the few facts the checks need from a site.yaml (flat keys and the component list). */
function siteFacts(root) {
  const text = fs.readFileSync(path.join(root, 'site.yaml'), 'utf8');
  const unquote = (v) => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  const tz = unquote(/^timezone:\s*(.+)$/m.exec(text)?.[1] ?? 'UTC');
  const components = [];
  let inList = false;
  for (const line of text.split('\n')) {
    if (/^components:/.test(line)) { inList = true; continue; }
    if (inList && /^\S/.test(line)) inList = false;
    if (!inList) continue;
    let m;
    if ((m = /^\s*-\s*id:\s*(.+)$/.exec(line))) components.push({ id: unquote(m[1]), group: null });
    else if ((m = /^\s+(name|group):\s*(.+)$/.exec(line)) && components.length) components.at(-1)[m[1]] = unquote(m[2]);
  }
  return { tz, components };
}
for (const s of Object.values(SITES)) Object.assign(s, siteFacts(s.root));

function findDir(site, under, prefix) {
  const dir = path.join(SITES[site].out, under);
  const hit = fs.existsSync(dir) && fs.readdirSync(dir).find((n) => n.startsWith(prefix));
  return hit ? `${under}/${hit}/index.html` : `${under}/${prefix}…(missing)/index.html`;
}
const FRONT = { site: 'example', path: 'index.html', name: 'example front page' };
const INCIDENT_2017 = { site: 'example', path: findDir('example', 'incidents', '2017-10-28-'), name: 'example 2017 incident' };
const ONGOING_INCIDENT = { site: 'ongoing', path: findDir('ongoing', 'incidents', '2026-11-25-'), name: 'ongoing incident' };
const MAIL_PAGE = { site: 'example', path: 'components/mail/index.html', name: 'example mail component page' };
const ONGOING_FRONT = { site: 'ongoing', path: 'index.html', name: 'ongoing front page' };
const BRANDED_FRONT = { site: 'branded', path: 'index.html', name: 'branded front page' };
const BILINGUAL_EN_FRONT = { site: 'bilingual', path: 'en/index.html', name: 'bilingual site, English front page' };
const BRANDED_INCIDENT = { site: 'branded', path: findDir('branded', 'incidents', '2026-11-25-'), name: 'branded ongoing incident' };
const PAGES = [
  FRONT,
  INCIDENT_2017,
  ONGOING_INCIDENT,
  { site: 'example', path: 'history/index.html', name: 'example archive' },
  { site: 'example', path: 'history/2017/index.html', name: 'example archive 2017' },
  { site: 'example', path: 'components/web/index.html', name: 'example component page' },
  ONGOING_FRONT,
  BRANDED_FRONT,
  BRANDED_INCIDENT,
];
// The hostile fixture's incident pages, where its posts are: checked by axe only (their
// layout is not the point).
const HOSTILE_PAGES = fs.readdirSync(path.join(SITES.hostile.out, 'incidents')).sort()
  .map((id) => ({ site: 'hostile', path: `incidents/${id}/index.html`, name: `hostile incident ${id}` }));

// ---------------------------------------------------------------------------------------
// 1. Nu HTML Checker

/** The Nu HTML Checker on the builds in `dirs`: its error lines, paths made relative. */
function vnu(dirs) {
  const r = spawnSync('java', ['-jar', vnuJar, '--errors-only', '--skip-non-html', '--also-check-svg', '--format', 'gnu',
    ...dirs], { encoding: 'utf8' });
  if (r.status === 0) return [];
  const out = `${r.stdout}${r.stderr}`.trim().split('\n').map((l) => l.replace(`file:${tmp}/`, ''));
  return out.length ? out : [`vnu exited ${r.status}`];
}
const pagesOf = (site) => htmlFiles.filter((f) => f.startsWith(SITES[site].out + path.sep)).length;
const CHECKED = ['example', 'ongoing', 'branded', 'window', 'window-during', 'bilingual'];
await check(`Nu HTML Checker: ${CHECKED.map(pagesOf).reduce((a, b) => a + b)} pages and the SVG files of the ${CHECKED.join(', ')} builds, no error`,
  () => vnu(CHECKED.map((s) => SITES[s].out)));
await check(`Nu HTML Checker: ${pagesOf('hostile')} pages built from hostile Markdown (tests/fixtures/hostile), no error`, () => {
  const errors = vnu([SITES.hostile.out]);
  return errors.length
    ? ['the sanitizer (src/content/markdown.rs) let through Markdown or HTML that makes these pages invalid:', ...errors]
    : [];
});

// ---------------------------------------------------------------------------------------
// Static checks on the built files (4)

// The one script a page may load is the theme's, an external file under assets/ (no inline
// script, no handler): what a strict Content-Security-Policy allows.
await check('every <script> in every built page is the theme\'s external assets/live.js, with no body', () =>
  htmlFiles.flatMap((f) => {
    const html = fs.readFileSync(f, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
    const problems = scripts.filter(([, attrs, body]) => body !== '' || !/^ src="(\.\.\/)*assets\/live\.js"/.test(attrs))
      .map(([tag]) => `${path.relative(tmp, f)}: ${tag.slice(0, 120)}`);
    if ((html.match(/<script\b/gi) ?? []).length !== scripts.length) problems.push(`${path.relative(tmp, f)}: a <script> that does not close`);
    return problems;
  }));
await check('the theme\'s script is a few KB (under 5 KB) and loaded deferred', () => {
  const size = fs.statSync(path.join(SITES.example.out, 'assets', 'live.js')).size;
  console.log(`        (assets/live.js: ${(size / 1024).toFixed(1)} KB)`);
  const front = fs.readFileSync(path.join(SITES.example.out, 'index.html'), 'utf8');
  return [...(size < 5 * 1024 ? [] : [`${size} bytes`]), ...(/<script src="assets\/live\.js" defer\b/.test(front) ? [] : ['the front page does not load assets/live.js deferred'])];
});
await check('no web font (@font-face) in any stylesheet', () =>
  files.filter((f) => f.endsWith('.css') && /@font-face/i.test(fs.readFileSync(f, 'utf8'))).map((f) => `${path.relative(tmp, f)} declares @font-face`));
await check('front page CSS under 50 KB', () => {
  const html = fs.readFileSync(path.join(SITES.example.out, 'index.html'), 'utf8');
  const hrefs = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*>/g)].map((m) => /href="([^"]+)"/.exec(m[0])?.[1]);
  if (!hrefs.length) return ['the front page links no stylesheet'];
  let total = 0;
  const problems = [];
  for (const h of hrefs) {
    if (/^[a-z]+:|^\/\//i.test(h)) { problems.push(`external stylesheet ${h}`); continue; }
    total += fs.statSync(path.join(SITES.example.out, h)).size;
  }
  const inline = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].reduce((n, m) => n + m[1].length, 0);
  total += inline;
  console.log(`        (CSS: ${(total / 1024).toFixed(1)} KB)`);
  if (total >= 50 * 1024) problems.push(`${total} bytes of CSS`);
  return problems;
});

// ---------------------------------------------------------------------------------------
// A tiny static server: /example/…, /ongoing/… and /hostile/… from the builds.

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.json': 'application/json', '.ics': 'text/calendar', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const [, site, ...rest] = decodeURIComponent(url.pathname).split('/');
  const root = SITES[site]?.out;
  let file = root && path.resolve(root, rest.join('/'));
  if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!file || !file.startsWith(root) || !fs.existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const BASE = `http://127.0.0.1:${server.address().port}`;
const urlOf = (p) => `${BASE}/${p.site}/${p.path}`;

let browser;
try {
  browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  report(false, 'launch chromium', [String(e), INSTALL_HINT]);
  server.close();
  finish();
}

/** Opens `p` with the browser's clock fixed at `at` (by default the page's build time). */
async function open(context, p, at = SITES[p.site].now) {
  const page = await context.newPage();
  await page.clock.setFixedTime(new Date(at));
  const r = await page.goto(urlOf(p), { waitUntil: 'load' });
  if (!r || r.status() !== 200) throw new Error(`${urlOf(p)} answered ${r?.status()}`);
  return page;
}

// The bilingual fixture's English pages (its French text left untranslated in one of
// them): checked by axe only.
const BILINGUAL_PAGES = [
  BILINGUAL_EN_FRONT,
  { site: 'bilingual', path: 'en/incidents/2026-11-05-lenteurs-web/index.html', name: 'bilingual site, English page of an untranslated incident' },
];

// ---------------------------------------------------------------------------------------
// 2. axe-core, light and dark

// axe is added to the page as a script of its own, which the pages' policy (script-src
// 'self') refuses: these contexts bypass it; section 9 checks the pages under it.
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, ...DESKTOP });
  for (const p of [...PAGES, ...HOSTILE_PAGES, ...BILINGUAL_PAGES]) {
    await check(`axe WCAG 2 A/AA, ${scheme}: ${p.name}, no serious or critical violation`, async () => {
      const page = await open(context, p);
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async (tags) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1, 2).join('').trim()}`) }));
      }, AXE_TAGS);
      await page.close();
      return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).join('\n  ')}${v.nodes.length > 4 ? `\n  … ${v.nodes.length - 4} more` : ''}`);
    });
  }
  // Tooltips only show on hover or focus: check the contrast of one shown on focus.
  await check(`axe colour contrast, ${scheme}: an uptime tooltip shown on keyboard focus`, async () => {
    const page = await open(context, MAIL_PAGE);
    const link = page.locator('li.bar a').first();
    if ((await link.count()) === 0) return ['no uptime bar links on the example mail component page'];
    await link.focus();
    await page.addScriptTag({ path: axePath });
    const v = await page.evaluate(async () => {
      const tip = document.activeElement.querySelector('.tip');
      const r = await window.axe.run(tip, { runOnly: { type: 'rule', values: ['color-contrast'] } });
      return { violations: r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.failureSummary).join('; ')}`), checked: r.passes.length + r.incomplete.length };
    });
    await page.close();
    return v.checked === 0 && v.violations.length === 0 ? ['axe could not check the tooltip (not rendered?)'] : v.violations;
  });
  await context.close();
}

// The brand in the browser: the accent colour reaches links and the header in each
// scheme, the site's custom.css comes last and wins, the logo loads (its dark version in
// the dark scheme) and carries its text alternative.
for (const scheme of ['light', 'dark']) {
  await check(`branded front page, ${scheme}: accent colour on links and the header, custom.css last, the logo shown with its alt text`, async () => {
    const context = await browser.newContext({ colorScheme: scheme, ...DESKTOP });
    const page = await open(context, BRANDED_FRONT);
    const r = await page.evaluate(() => {
      const css = getComputedStyle(document.documentElement);
      const img = document.querySelector('.site-header .brand-logo img');
      const sheets = [...document.styleSheets].map((s) => new URL(s.href).pathname.split('/').pop());
      return {
        link: css.getPropertyValue('--link').trim(), accent: css.getPropertyValue('--accent').trim(),
        linkColour: getComputedStyle(document.querySelector('.site-footer .contact a')).color,
        band: getComputedStyle(document.querySelector('.site-header')).boxShadow,
        sheets, alt: img?.alt, loaded: img ? img.complete && img.naturalWidth > 0 : false,
        src: img?.currentSrc.split('/').pop(),
        noticeWeight: getComputedStyle(document.querySelector('.site-notice')).fontWeight,
        logoLink: img?.closest('a')?.getAttribute('href'),
      };
    });
    await page.close();
    await context.close();
    const want = scheme === 'light' ? { hex: '#0b5cad', rgb: 'rgb(11, 92, 173)', logo: 'logo.svg' } : { hex: '#7fb4ff', rgb: 'rgb(127, 180, 255)', logo: 'logo-dark.svg' };
    const problems = [];
    if (r.link !== want.hex || r.accent !== want.hex) problems.push(`--link ${r.link}, --accent ${r.accent}, expected ${want.hex}`);
    if (r.linkColour !== want.rgb) problems.push(`a contact link is ${r.linkColour}`);
    if (!r.band.includes(want.rgb)) problems.push(`the header's band is ${r.band}`);
    if (JSON.stringify(r.sheets) !== JSON.stringify(['style.css', 'brand.css', 'custom.css'])) problems.push(`style sheets ${JSON.stringify(r.sheets)}`);
    if (r.noticeWeight !== '600') problems.push(`custom.css did not apply: the notice's weight is ${r.noticeWeight}`);
    if (r.alt !== 'FranceServ' || !r.loaded || r.src !== want.logo) problems.push(`logo: alt “${r.alt}”, loaded ${r.loaded}, ${r.src}`);
    if (r.logoLink !== 'https://www.example.fr/') problems.push(`the logo links to ${r.logoLink}`);
    return problems;
  });
}

// ---------------------------------------------------------------------------------------
// 3. Phone (390 px) and desktop (1280 px) layouts

const phone = await browser.newContext({ colorScheme: 'light', ...PHONE });
for (const p of PAGES) {
  const page = await open(phone, p);
  await check(`phone 390 px: ${p.name}: no horizontal scrolling`, async () => {
    const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth,
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`) }));
    return m.sw <= m.iw ? [] : [`scrollWidth ${m.sw} > innerWidth ${m.iw}`, ...m.wide];
  });
  await check(`phone 390 px: ${p.name}: body text >= ${BODY_MIN} px, secondary text >= ${SECONDARY_MIN} px`, () =>
    page.evaluate(({ BODY_MIN, SECONDARY_MIN, SECONDARY }) => {
      const problems = [];
      const body = parseFloat(getComputedStyle(document.body).fontSize);
      if (body < BODY_MIN) problems.push(`body font-size ${body}px`);
      for (const el of document.querySelectorAll(['p', 'li', 'dd', 'dt', 'td', 'th', 'span', 'a', 'time', 'strong', 'em', 'code'].map((t) => `main ${t}, footer ${t}`).join(', '))) {
        const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && /\p{L}|\d/u.test(n.textContent));
        if (!ownText || el.closest('.visually-hidden')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        const min = el.closest(SECONDARY) ? SECONDARY_MIN : BODY_MIN;
        if (size < min - 0.01) problems.push(`${size}px < ${min}px: <${el.tagName.toLowerCase()} class="${el.className}"> “${el.textContent.trim().slice(0, 50)}”`);
      }
      return problems;
    }, { BODY_MIN, SECONDARY_MIN, SECONDARY }));
  await check(`phone 390 px: ${p.name}: links and buttons >= ${TARGET}×${TARGET} px or inline in a sentence`, () =>
    page.evaluate((TARGET) => {
      const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('.visually-hidden'); };
      const big = (el) => { const r = el.getBoundingClientRect(); return r.width >= TARGET - 0.5 && r.height >= TARGET - 0.5; };
      const inline = (el) => {
        if (getComputedStyle(el).display !== 'inline') return false;
        let block = el.parentElement;
        while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
        if (!block) return false;
        // The block's text without this link must still hold a word: the link sits in a sentence.
        const clone = block.cloneNode(true);
        const path = []; for (let n = el; n !== block; n = n.parentNode) path.unshift([...n.parentNode.childNodes].indexOf(n));
        let twin = clone; for (const i of path) twin = twin.childNodes[i];
        twin.remove();
        return /\p{L}{2,}/u.test(clone.textContent);
      };
      const targets = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')].filter(visible);
      const good = new Set(targets.filter((el) => !el.closest('li.bar') && (big(el) || inline(el))).map((el) => el.href));
      const problems = [];
      for (const el of targets) {
        if (el.closest('li.bar')) {
          if (!good.has(el.href)) problems.push(`uptime bar link to ${el.getAttribute('href')} has no equivalent full-size link on the page`);
          continue;
        }
        if (big(el) || inline(el)) continue;
        const r = el.getBoundingClientRect();
        problems.push(`${Math.round(r.width)}×${Math.round(r.height)} <${el.tagName.toLowerCase()} class="${el.className}"> “${el.textContent.trim().slice(0, 40)}” in ${el.parentElement.tagName.toLowerCase()}.${el.parentElement.className}`);
      }
      return problems;
    }, TARGET));
  await page.close();
}

const desktop = await browser.newContext({ colorScheme: 'light', ...DESKTOP });
for (const p of [FRONT, ONGOING_FRONT]) {
  await check(`desktop 1280 px: ${p.name}: components shown in their groups, in site.yaml order`, async () => {
    const page = await open(desktop, p);
    const shown = await page.evaluate(() => [...document.querySelectorAll('section.components .group')].map((g) => {
      const gr = g.getBoundingClientRect();
      return {
        name: g.querySelector(':scope > .group-name h3')?.textContent.trim() ?? null,
        components: [...g.querySelectorAll('.component')].map((c) => {
          const r = c.getBoundingClientRect();
          const bars = c.querySelector('.bars, svg.days')?.getBoundingClientRect();
          return { name: c.querySelector('.component-name')?.textContent.trim(),
            inside: r.left >= gr.left - 1 && r.right <= gr.right + 1 && r.top >= gr.top - 1 && r.bottom <= gr.bottom + 1,
            barsWidth: bars ? bars.width : 0 };
        }),
      };
    }));
    await page.close();
    const expected = [];
    for (const c of SITES[p.site].components) {
      const g = c.group && expected.find((e) => e.name === c.group);
      if (g) g.components.push(c.name);
      else if (!c.group && expected.length && expected.at(-1).name === null) expected.at(-1).components.push(c.name);
      else expected.push({ name: c.group ?? null, components: [c.name] });
    }
    const problems = [];
    // Components without a group may stand in one box each or share one: both read well.
    const merge = (groups) => groups.reduce((acc, g) => {
      if (g.name === null && acc.length && acc.at(-1).name === null) acc.at(-1).components.push(...g.components);
      else acc.push({ name: g.name, components: [...g.components] });
      return acc;
    }, []);
    const got = merge(shown.map((g) => ({ name: g.name, components: g.components.map((c) => c.name) })));
    if (JSON.stringify(got) !== JSON.stringify(merge(expected))) problems.push(`groups shown ${JSON.stringify(got)}\n  expected ${JSON.stringify(expected)}`);
    for (const g of shown) for (const c of g.components) {
      if (!c.inside) problems.push(`${c.name} is drawn outside its group's box`);
      if (c.barsWidth < 600) problems.push(`${c.name}: uptime bars only ${Math.round(c.barsWidth)} px wide`);
    }
    return problems;
  });
}

// ---------------------------------------------------------------------------------------
// 4. Without JavaScript

const noScript = await browser.newContext({ colorScheme: 'light', javaScriptEnabled: false, ...DESKTOP });
for (const p of [FRONT, ONGOING_FRONT]) {
  await check(`JavaScript disabled: ${p.name} shows the banner and every component`, async () => {
    const page = await open(noScript, p);
    const problems = [];
    const banner = page.locator('.banner');
    if (!(await banner.isVisible()) || !/\p{L}{3,}/u.test(await banner.innerText())) problems.push('no visible banner with a status word');
    const names = await page.locator('.component .component-name').allInnerTexts();
    const want = SITES[p.site].components.map((c) => c.name);
    if (JSON.stringify(names) !== JSON.stringify(want)) problems.push(`components shown ${JSON.stringify(names)}, expected ${JSON.stringify(want)}`);
    const hidden = await page.locator('.component').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height < 20).length);
    if (hidden) problems.push(`${hidden} components are not drawn`);
    await page.close();
    return problems;
  });
}
await noScript.close();

// ---------------------------------------------------------------------------------------
// 5. Uptime bars

for (const [ctxName, context] of [['1280 px', desktop], ['390 px', phone]]) {
  for (const p of [FRONT, ONGOING_FRONT]) {
    await check(`uptime drawings, ${ctxName}: ${p.name}: one per component, a tooltip per run of days, the uptime and every incident day in text, as links`, async () => {
      const page = await open(context, p);
      const problems = await page.evaluate(() => {
        const problems = [];
        const components = [...document.querySelectorAll('.components .component')];
        if (!components.length) problems.push('no component');
        for (const c of components) {
          const name = c.querySelector('.component-name')?.textContent.trim();
          const svgs = c.querySelectorAll('svg.days');
          if (svgs.length !== 1) { problems.push(`${name}: ${svgs.length} drawings, not 1`); continue; }
          const svg = svgs[0];
          if (c.querySelectorAll('li').length) problems.push(`${name}: list items in the front page's drawing`);
          const w = svg.getBoundingClientRect().width;
          if (w < 300) problems.push(`${name}: drawing only ${Math.round(w)} px wide`);
          const days = [];
          for (const r of svg.querySelectorAll('rect')) {
            const x = Number(r.getAttribute('x'));
            const width = Number(r.getAttribute('width'));
            const title = r.querySelector('title')?.textContent ?? '';
            if (!/\d/.test(title) || !/\p{L}{3,}/u.test(title)) problems.push(`${name}: a run without a tooltip text: ${r.outerHTML.slice(0, 100)}`);
            if (x < 0 || width < 1 || x + width > 90) problems.push(`${name}: a run outside the 90 days: ${x}+${width}`);
            if (days.length && x < days.at(-1)) problems.push(`${name}: runs overlap or are out of order`);
            days.push(x + width);
          }
          const legend = c.querySelector('.uptime-value')?.innerText ?? '';
          if (!/\d+(,|\.)\d+\s?%/.test(legend)) problems.push(`${name}: no uptime percentage shown (“${legend}”)`);
          // Each day with an incident (a single-day run whose class is not ok, or any run
          // the text links name) reaches its incident by a visible link.
          for (const a of c.querySelectorAll('.incident-links a')) {
            if (!a.getAttribute('href').includes('incidents/')) problems.push(`${name}: incident day link not to an incident: ${a.outerHTML.slice(0, 100)}`);
            if (a.tabIndex < 0 || a.offsetWidth === 0) problems.push(`${name}: incident day link not visible or not focusable`);
            if (!/\d/.test(a.textContent) || !/\p{L}{3,}/u.test(a.textContent)) problems.push(`${name}: incident day link without its day's text`);
          }
          const incidentRuns = [...svg.querySelectorAll('rect')].filter((r) => /day-(degraded|partial-outage|major-outage)/.test(r.getAttribute('class')));
          if (incidentRuns.length && !c.querySelector('.incident-links a')) problems.push(`${name}: incident days drawn but not given as links`);
        }
        return problems;
      });
      await page.close();
      return problems;
    });
  }
  for (const p of [FRONT, ONGOING_FRONT]) {
    await check(`uptime drawings, ${ctxName}: ${p.name}: the accessibility tree gives each component's uptime and its incident days`, async () => {
      const page = await open(context, p);
      const problems = [];
      for (const c of await page.locator('.components .component').all()) {
        const name = (await c.locator('.component-name').innerText()).trim();
        const tree = await c.ariaSnapshot();
        if (!tree.includes(name)) problems.push(`${name}: the component's name is not in the accessibility tree`);
        if (!/\d+(,|\.)\d+\s?%/.test(tree)) problems.push(`${name}: no uptime percentage in the accessibility tree:\n${tree}`);
        for (const a of await c.locator('.incident-links a').all()) {
          const text = (await a.innerText()).trim();
          // The tree writes every kind of space as a plain one.
          const plain = (t) => t.replace(/\s+/gu, ' ');
          if (!tree.includes('link') || !plain(tree).includes(plain(text).slice(0, 24))) problems.push(`${name}: incident day “${text.slice(0, 40)}” is not a link in the accessibility tree`);
        }
      }
      await page.close();
      return problems;
    });
  }
  for (const p of [MAIL_PAGE]) {
    await check(`uptime bars, ${ctxName}: ${p.name}: 90 days, each with a text alternative; incident days are focusable links`, async () => {
      const page = await open(context, p);
      const problems = await page.evaluate(() => {
        const problems = [];
        const charts = [...document.querySelectorAll('ol.bars')];
        if (!charts.length) problems.push('no uptime chart');
        for (const ol of charts) {
          if (!/\d/.test(ol.getAttribute('aria-label') ?? '')) problems.push(`chart without a label giving the uptime: ${ol.outerHTML.slice(0, 80)}`);
          const bars = [...ol.querySelectorAll(':scope > li')];
          if (bars.length !== 90) problems.push(`chart has ${bars.length} bars, not 90`);
          for (const li of bars) {
            const text = li.textContent.trim();
            if (!/\d/.test(text) || !/\p{L}{3,}/u.test(text)) problems.push(`bar without a text alternative: ${li.outerHTML.slice(0, 100)}`);
            const withIncident = /\bday-(degraded|partial-outage|major-outage|maintenance)\b/.test(li.className);
            const a = li.querySelector('a[href]');
            if (withIncident && !a) problems.push(`incident day is not a link: ${text.slice(0, 80)}`);
            if (a && (a.tabIndex < 0 || !a.getAttribute('href').includes('incidents/'))) problems.push(`bar link not focusable or not to an incident: ${a.outerHTML.slice(0, 100)}`);
          }
        }
        return problems;
      });
      // Keyboard: each bar link takes focus and then shows its text, whole, inside the window,
      // on top of everything (nothing clips or covers any corner of it).
      const links = page.locator('li.bar a');
      for (let i = 0; i < (await links.count()); i += 1) {
        const link = links.nth(i);
        await link.focus();
        const r = await link.evaluate((a) => {
          const tip = a.querySelector('.tip');
          const box = tip?.getBoundingClientRect();
          const style = window.getComputedStyle(tip ?? a);
          tip?.scrollIntoView({ block: 'center' });
          const b = tip?.getBoundingClientRect();
          const corners = b ? [[b.left + 2, b.top + 2], [b.right - 2, b.top + 2], [b.left + 2, b.bottom - 2], [b.right - 2, b.bottom - 2]] : [];
          // elementFromPoint skips elements that ignore the pointer, as a tooltip does.
          const events = tip?.style.pointerEvents;
          if (tip) tip.style.pointerEvents = 'auto';
          const onTop = corners.every(([x, y]) => tip.contains(document.elementFromPoint(x, y)));
          if (tip) tip.style.pointerEvents = events;
          return { focused: document.activeElement === a, name: (a.getAttribute('aria-label') ?? a.textContent).trim(),
            clipped: !tip || style.clipPath !== 'none' || !onTop,
            inside: box && box.left >= 0 && box.right <= window.innerWidth, tipText: tip?.textContent ?? '' };
        });
        if (!r.focused) problems.push(`bar link ${i} does not take focus`);
        if (!r.name) problems.push(`bar link ${i} has no accessible name`);
        if (r.clipped) problems.push(`bar link ${i}: its text is not shown whole on focus (“${r.tipText.slice(0, 40)}”)`);
        else if (!r.inside) problems.push(`bar link ${i}: the text shown on focus goes off screen (“${r.tipText.slice(0, 40)}”)`);
      }
      await page.close();
      return problems;
    });
  }
}

for (const p of PAGES) {
  await check(`status never by colour alone: ${p.name}: every status display carries a word`, async () => {
    const page = await open(desktop, p);
    const problems = await page.evaluate(() => {
      const problems = [];
      for (const el of document.querySelectorAll('[class*="status-"], [class*="sev-"], [class*="day-"]')) {
        if (!/(^|\s)(status|sev|day)-/.test(el.getAttribute('class'))) continue;
        // The word must be real text (not only an icon hidden from assistive technology).
        const clone = el.cloneNode(true);
        clone.querySelectorAll('[aria-hidden="true"]').forEach((n) => n.remove());
        if (!/\p{L}{3,}/u.test(clone.textContent)) problems.push(`no word in <${el.tagName.toLowerCase()} class="${el.getAttribute('class')}">`);
        // Badges, banners and status lines show the word on screen, not only to screen readers.
        if (el.matches('.status, .badge, .banner') && !/\p{L}{3,}/u.test(el.innerText)) problems.push(`word not visible in .${el.className}`);
      }
      return problems;
    });
    await page.close();
    return problems;
  });
}

// ---------------------------------------------------------------------------------------
// 6. Build time and the ongoing incident

for (const p of [FRONT, ONGOING_FRONT]) {
  await check(`${p.name}: says when it was built, in the site's time zone (${SITES[p.site].tz})`, async () => {
    const page = await open(desktop, p);
    const t = await page.evaluate(() => {
      const time = document.querySelector('footer .built time[datetime]');
      return time && { iso: time.getAttribute('datetime'), text: time.textContent, line: time.parentElement.textContent };
    });
    await page.close();
    if (!t) return ['no footer .built time[datetime]'];
    const problems = [];
    if (Date.parse(t.iso) !== Date.parse(NOW)) problems.push(`datetime ${t.iso} is not ${NOW}`);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: SITES[p.site].tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(NOW));
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: SITES[p.site].tz, day: 'numeric' }).format(new Date(NOW));
    if (!t.text.includes(local) || !new RegExp(`\\b${day}\\b`).test(t.text)) problems.push(`“${t.line.trim()}” does not show ${local} on day ${day} (${SITES[p.site].tz})`);
    return problems;
  });
}
await check('ongoing front page: the ongoing incident is the first thing after the banner', async () => {
  const page = await open(desktop, ONGOING_FRONT);
  const r = await page.evaluate(() => {
    const banner = document.querySelector('main .banner');
    const next = banner?.nextElementSibling;
    const link = next?.querySelector('a[href*="incidents/"]');
    const box = (e) => e?.getBoundingClientRect().top ?? Infinity;
    return { banner: !!banner, next: next ? `<${next.tagName.toLowerCase()} class="${next.className}">` : null,
      ongoing: !!next?.matches('.ongoing'), href: link?.getAttribute('href') ?? null,
      belowBanner: box(next) > box(banner), aboveComponents: box(next) < box(document.querySelector('section.components')) };
  });
  await page.close();
  const want = ONGOING_INCIDENT.path.replace(/index\.html$/, '');
  const problems = [];
  if (!r.banner) problems.push('no banner in main');
  if (!r.ongoing) problems.push(`after the banner comes ${r.next}, not the ongoing incidents`);
  if (!r.href || !r.href.includes(want)) problems.push(`first link after the banner is ${r.href}, not ${want}`);
  if (!r.belowBanner || !r.aboveComponents) problems.push('the ongoing incidents are not drawn between the banner and the components');
  return problems;
});

// ---------------------------------------------------------------------------------------
// 8. Between builds: the window fixture built at 00:30 UTC (the maintenance is planned for
//    01:00–02:00 UTC), read at 01:05 UTC. The script shows the states the build rendered
//    for later instants; without it the page shows its build-time state and says when it
//    was built. All of it is compared with a build made at 01:05.

const READ_AT = '2026-12-01T01:05:00Z';
const WINDOW_PAGES = [
  { site: 'window', path: 'index.html', name: 'window front page' },
  { site: 'window', path: 'components/mail/index.html', name: 'window mail component page' },
  { site: 'window', path: findDir('window', 'incidents', '2026-12-01-'), name: 'window maintenance page' },
];
const [WINDOW_FRONT, WINDOW_MAIL, WINDOW_INCIDENT] = WINDOW_PAGES;
const during = (p) => ({ ...p, site: 'window-during' });

/** What a page shows of the current state: each region's class and text, the age. */
function liveState(page) {
  return page.evaluate(() => {
    const regions = {};
    for (const el of document.querySelectorAll('[data-live]')) {
      const key = el.getAttribute('data-live');
      // The durations still running, which only the script counts, left out.
      const clone = el.cloneNode(true);
      clone.querySelectorAll('.running').forEach((r) => { r.textContent = '…'; });
      (regions[key] ??= []).push({ tag: el.tagName.toLowerCase(), cls: el.className, text: el.innerText.replace(/\s+/g, ' ').trim(),
        fixed: clone.textContent.replace(/\s+/g, ' ').trim() });
    }
    const built = document.querySelector('footer .built');
    return { regions, built: built?.innerText.trim() ?? null, age: built?.querySelector('.age')?.textContent ?? null,
      coming: [...document.querySelectorAll('template[data-at]')].map((t) => t.getAttribute('data-at')) };
  });
}

/** axe-core on `page`: its serious and critical violations. */
async function axeProblems(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, AXE_TAGS);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).join('\n  ')}`);
}

const withJs = await browser.newContext({ colorScheme: 'light', ...DESKTOP });
const withoutJs = await browser.newContext({ colorScheme: 'light', javaScriptEnabled: false, ...DESKTOP });
const states = {};
for (const p of WINDOW_PAGES) {
  const read = async (context, q, at) => { const page = await open(context, q, at); const st = await liveState(page); await page.close(); return st; };
  states[p.path] = {
    js: await read(withJs, p, READ_AT),
    noJs: await read(withoutJs, p, READ_AT),
    laterBuildNoJs: await read(withoutJs, during(p), READ_AT),
    laterBuildJs: await read(withJs, during(p), READ_AT),
  };
}
const text = (st, key, n = 0) => st.regions[key]?.[n]?.text ?? '(missing)';
const cls = (st, key, n = 0) => st.regions[key]?.[n]?.cls ?? '(missing)';

await check('window front page built at 00:30, read at 01:05 with JavaScript: the banner and the component show the maintenance in progress; the age reads "il y a 35 min"', () => {
  const st = states[WINDOW_FRONT.path].js;
  const problems = [];
  if (!/\bstatus-maintenance\b/.test(cls(st, 'now')) || text(st, 'now') !== '⚙ Maintenance en cours') problems.push(`banner: ${cls(st, 'now')} “${text(st, 'now')}”`);
  if (!/\bstatus-maintenance\b/.test(cls(st, 'c-mail')) || text(st, 'c-mail') !== '⚙ Maintenance') problems.push(`mail: ${cls(st, 'c-mail')} “${text(st, 'c-mail')}”`);
  if (!/\bstatus-maintenance\b/.test(cls(st, 'g-0'))) problems.push(`group: ${cls(st, 'g-0')} “${text(st, 'g-0')}”`);
  if (!/\bstatus-operational\b/.test(cls(st, 'c-web'))) problems.push(`web is not operational: ${cls(st, 'c-web')}`);
  const ongoing = st.regions.now?.find((r) => /\bongoing\b/.test(r.cls));
  if (!ongoing || !ongoing.text.includes('En cours') || !ongoing.text.includes('Durée 5 min')) problems.push(`ongoing incidents: “${ongoing?.text}”`);
  if (st.regions.now?.some((r) => /\bupcoming\b/.test(r.cls))) problems.push('the maintenance is still listed as planned');
  if (st.age !== ' (il y a 35 min)') problems.push(`age “${st.age}”`);
  if (!st.built?.endsWith('01:30 CET (il y a 35 min).')) problems.push(`footer “${st.built}”`);
  if (JSON.stringify(st.coming) !== JSON.stringify(['2026-12-01T02:00:00Z'])) problems.push(`states still to come: ${JSON.stringify(st.coming)}`);
  return problems;
});
await check('window pages built at 00:30, read at 01:05 without JavaScript: the planned state and the generation time', () => {
  const problems = [];
  const front = states[WINDOW_FRONT.path].noJs;
  if (!/\bstatus-operational\b/.test(cls(front, 'now')) || text(front, 'now') !== '✓ Tous les services fonctionnent normalement') problems.push(`banner: “${text(front, 'now')}”`);
  const upcoming = front.regions.now?.find((r) => /\bupcoming\b/.test(r.cls));
  if (!upcoming?.text.includes('Planifiée')) problems.push(`no planned maintenance: “${upcoming?.text}”`);
  if (text(front, 'c-mail') !== '✓ Opérationnel') problems.push(`mail: “${text(front, 'c-mail')}”`);
  if (front.built !== 'Page mise à jour le mardi 1 décembre 2026, 01:30 CET.') problems.push(`footer “${front.built}”`);
  if (front.age !== null) problems.push('an age without JavaScript');
  const incident = states[WINDOW_INCIDENT.path].noJs;
  if (!text(incident, 'state').includes('Planifiée')) problems.push(`maintenance page: “${text(incident, 'state')}”`);
  if (incident.built !== null) problems.push('the maintenance page says when it was built');
  return problems;
});
for (const p of WINDOW_PAGES) {
  await check(`${p.name}: built at 00:30 and read at 01:05 with JavaScript, its regions are those of a build at 01:05 (no status logic in the script)`, () => {
    const { js, laterBuildNoJs, laterBuildJs } = states[p.path];
    const problems = [];
    // Class and text of every region as the 01:05 build renders it, without the script…
    for (const [key, regions] of Object.entries(laterBuildNoJs.regions)) {
      regions.forEach((r, n) => {
        if (js.regions[key]?.[n]?.cls !== r.cls) problems.push(`${key}[${n}]: class “${js.regions[key]?.[n]?.cls}”, the 01:05 build has “${r.cls}”`);
        // Durations still running are counted by the script only: compare the rest.
        if (js.regions[key]?.[n]?.fixed !== r.fixed) problems.push(`${key}[${n}]: “${js.regions[key]?.[n]?.fixed}”\n  the 01:05 build: “${r.fixed}”`);
      });
    }
    // …and, with the script at the same moment on both, exactly the same.
    if (JSON.stringify(js.regions) !== JSON.stringify(laterBuildJs.regions)) problems.push(`with JavaScript, ${JSON.stringify(js.regions).slice(0, 300)}\n  the 01:05 build: ${JSON.stringify(laterBuildJs.regions).slice(0, 300)}`);
    if (Object.keys(js.regions).length === 0) problems.push('no region');
    return problems;
  });
}
await check('window maintenance page read at 01:05 with JavaScript: in progress for 5 min', () => {
  const st = states[WINDOW_INCIDENT.path].js;
  const problems = [];
  if (!text(st, 'state', 0).includes('En cours')) problems.push(`badges: “${text(st, 'state', 0)}”`);
  if (!text(st, 'state', 1).includes('Durée 5 min (en cours)')) problems.push(`facts: “${text(st, 'state', 1)}”`);
  return problems;
});
// axe runs as a script: "without JavaScript" is the page with the theme's script refused
// (the one script it has), which leaves it as a browser without JavaScript shows it (the
// checks above read that state in a context with JavaScript disabled).
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, ...DESKTOP });
  for (const js of [true, false]) {
    for (const p of WINDOW_PAGES) {
      await check(`axe WCAG 2 A/AA, ${scheme}, ${js ? 'with the script' : 'without the script'}: ${p.name} built at 00:30 read at 01:05, no serious or critical violation`, async () => {
        const page = await context.newPage();
        if (!js) await page.route(/\/assets\/live\.js$/, (route) => route.abort());
        await page.clock.setFixedTime(new Date(READ_AT));
        await page.goto(urlOf(p), { waitUntil: 'load' });
        const st = await liveState(page);
        const problems = await axeProblems(page);
        await page.close();
        const applied = st.coming.length < states[p.path].noJs.coming.length;
        if (applied !== js) problems.push(js ? 'the script did not show the coming state' : 'the script ran');
        return problems;
      });
    }
  }
  await context.close();
}

// api/build.json, checked every minute while the page is open.
const BUILD_JSON = path.join(SITES.window.out, 'api', 'build.json');
const olderBuildJson = fs.existsSync(BUILD_JSON) ? fs.readFileSync(BUILD_JSON) : null;
/** Opens the window front page at 01:05 with a running clock, lets two minutes pass, and
 *  says how many times the page loaded, what the script fetched, and what went wrong. */
async function watchFront(buildJson) {
  if (buildJson === null) fs.rmSync(BUILD_JSON, { force: true });
  else fs.writeFileSync(BUILD_JSON, JSON.stringify(buildJson));
  const page = await withJs.newPage();
  const seen = { loads: 0, fetched: [], errors: [], elsewhere: [] };
  page.on('load', () => { seen.loads += 1; });
  page.on('pageerror', (e) => seen.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: .*404/.test(m.text())) seen.errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => {
    if (!r.url().startsWith(`${BASE}/window/`)) seen.elsewhere.push(r.url());
    if (r.url().includes('build.json')) seen.fetched.push(new URL(r.url()).pathname);
  });
  await page.clock.install({ time: new Date(READ_AT) });
  await page.goto(urlOf(WINDOW_FRONT), { waitUntil: 'load' });
  for (let minute = 0; minute < 2; minute += 1) {
    await page.clock.runFor(60_000);
    await page.waitForTimeout(400);
  }
  await page.close();
  return seen;
}
await check('window front page: while api/build.json is missing (404), it is asked for every minute, silently, and the page stays', async () => {
  const seen = await watchFront(null);
  const problems = [...seen.errors, ...seen.elsewhere.map((u) => `a request elsewhere: ${u}`)];
  if (seen.fetched.length < 2 || seen.fetched.some((f) => f !== '/window/api/build.json')) problems.push(`fetched ${JSON.stringify(seen.fetched)}`);
  if (seen.loads !== 1) problems.push(`loaded ${seen.loads} times`);
  return problems;
});
await check('window front page: api/build.json of the same build keeps the page; a newer one reloads it, once', async () => {
  const problems = [];
  const same = await watchFront({ generated_at: '2026-12-01T00:30:00Z', next_change: '2026-12-01T01:00:00Z' });
  if (same.loads !== 1) problems.push(`same build: loaded ${same.loads} times`);
  const newer = await watchFront({ generated_at: '2026-12-01T01:05:00Z', next_change: '2026-12-01T02:00:00Z' });
  if (newer.loads !== 2) problems.push(`newer build: loaded ${newer.loads} times in two minutes, not twice`);
  problems.push(...same.errors, ...newer.errors);
  return problems;
});
if (olderBuildJson === null) fs.rmSync(BUILD_JSON, { force: true });
else fs.writeFileSync(BUILD_JSON, olderBuildJson);
await withJs.close();
await withoutJs.close();

// ---------------------------------------------------------------------------------------
// 7. Screenshots

const phoneDark = await browser.newContext({ ...PHONE, colorScheme: 'dark' });
const SHOTS_WANTED = [
  ['front-phone.png', FRONT, phone, 780],
  ['front-desktop.png', FRONT, desktop, 1280],
  ['incident-phone.png', INCIDENT_2017, phone, 780],
  ['incident-desktop.png', INCIDENT_2017, desktop, 1280],
  // The brand shows at the top of the page: the first screen only, which keeps them small.
  ['branded-desktop.png', BRANDED_FRONT, desktop, 1280, false],
  ['branded-phone-dark.png', BRANDED_FRONT, phoneDark, 780, false],
  // A site in two languages: the English pages, with the link to the French ones.
  ['bilingual-en-desktop.png', BILINGUAL_EN_FRONT, desktop, 1280, false],
];
if (SHOTS) {
  await check(`screenshots written to ${path.relative(REPO, SHOT_DIR)}/`, async () => {
    fs.mkdirSync(SHOT_DIR, { recursive: true });
    for (const [file, p, context, , fullPage = true] of SHOTS_WANTED) {
      const page = await open(context, p);
      await page.screenshot({ path: path.join(SHOT_DIR, file), fullPage });
      await page.close();
    }
    return [];
  });
}
await check('screenshots committed: docs/screenshots/{front,incident}-{phone,desktop}.png, branded-{desktop,phone-dark}.png and bilingual-en-desktop.png, referenced by README.md', () => {
  const problems = [];
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  for (const [file, , , width] of SHOTS_WANTED) {
    const f = path.join(SHOT_DIR, file);
    if (!fs.existsSync(f)) { problems.push(`${file} missing: run node tests/browser/check.mjs --screenshots`); continue; }
    const b = fs.readFileSync(f);
    if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') problems.push(`${file} is not a PNG`);
    else if (b.readUInt32BE(16) !== width) problems.push(`${file} is ${b.readUInt32BE(16)} px wide, expected ${width}`);
    if (!readme.includes(`docs/screenshots/${file}`)) problems.push(`README.md does not show docs/screenshots/${file}`);
  }
  return problems;
});

// ---------------------------------------------------------------------------------------
// 9. What other sites embed

await embedChecks({ browser, check, SITES, axeProblems, DESKTOP, SHOTS, SHOT_DIR, PAGES, HOSTILE_PAGES, urlOf });

await phone.close();
await phoneDark.close();
await desktop.close();
await browser.close();
server.close();
finish();
