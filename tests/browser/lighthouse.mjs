#!/usr/bin/env node
// The front page's weight, measured as a phone on a bad network sees it: Lighthouse 12
// (mobile preset, headless Chromium) on pages served with gzip from loopback, for two
// front pages:
//   - the example site (the repository root): at most 800 elements, performance and
//     accessibility 100;
//   - a provider's site of 120 components in 10 groups and 300 incidents over 90 days
//     (`cargo run --example gen-site -- DIR 300 --components 120`): at most 1,500
//     elements and 150 KB before compression, performance at least 95, accessibility 100;
//     and, on that page, the Nu HTML Checker and axe-core (light and dark, 390 and
//     1280 px, as built and with every group opened) clean, as check.mjs does for the
//     example; every component of every group, folded or not, drawing its 90 days once
//     shown (a folded group's as one element whose gradient is in a style attribute:
//     checked under the page's Content-Security-Policy, sent as `_headers` says, and in
//     forced colours).
//
// Prints one line per check and the figures (BENCHMARKS.md records them), then
// `lighthouse: N passed, M failed`; exits 1 if any failed. Every tool it needs is
// installed by `tests/run`; a missing one is a failure, never a skip.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(path.join(HERE, 'package.json'));
const NOW = '2026-11-25T12:00:00+01:00';
const CHROMIUM = '/usr/bin/chromium';
const INSTALL_HINT = 'run tests/run once: it installs chromium, java and the npm packages of tests/browser (lighthouse@12.2.3 among them)';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let passed = 0;
let failed = 0;
async function check(name, fn) {
  let problems;
  try {
    problems = await fn();
  } catch (e) {
    problems = [String(e && e.stack ? e.stack : e)];
  }
  if (problems.length) {
    failed += 1;
    console.log(`FAIL  ${name}`);
    for (const p of problems) console.log(`        ${p}`);
  } else {
    passed += 1;
    console.log(`ok    ${name}`);
  }
  return problems.length === 0;
}
function finish() {
  console.log(`lighthouse: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const lighthouseBin = path.join(HERE, 'node_modules', '.bin', 'lighthouse');
const tools = await check('tools: chromium, java, lighthouse, vnu-jar, playwright-core, axe-core', () => {
  const problems = [];
  if (!fs.existsSync(CHROMIUM)) problems.push(`no ${CHROMIUM}: ${INSTALL_HINT}`);
  if (spawnSync('java', ['-version']).status !== 0) problems.push(`no java: ${INSTALL_HINT}`);
  if (!fs.existsSync(lighthouseBin)) problems.push(`no lighthouse in tests/browser/node_modules: ${INSTALL_HINT}`);
  for (const m of ['vnu-jar', 'playwright-core', 'axe-core/axe.min.js']) {
    try { require.resolve(m); } catch { problems.push(`no ${m}: ${INSTALL_HINT}`); }
  }
  return problems;
});
if (!tools) finish();

// Build both sites.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-lighthouse-'));
const SITES = {
  example: { root: REPO, out: path.join(tmp, 'example') },
  provider: { root: path.join(tmp, 'provider-src'), out: path.join(tmp, 'provider') },
};
const built = await check(`build: the example, and a provider's site of 120 components and 300 incidents (gen-site), with --now ${NOW}`, () => {
  const cargo = spawnSync('cargo', ['build', '--quiet', '--bin', 'vigie', '--example', 'gen-site'], { cwd: REPO, encoding: 'utf8' });
  if (cargo.status !== 0) return [`cargo build failed:\n${cargo.stderr}`];
  const meta = spawnSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (meta.status !== 0) return [`cargo metadata failed:\n${meta.stderr}`];
  const target = path.join(JSON.parse(meta.stdout).target_directory, 'debug');
  const gen = spawnSync(path.join(target, 'examples', 'gen-site'), [SITES.provider.root, '300', '--components', '120'], { encoding: 'utf8' });
  if (gen.status !== 0) return [`gen-site failed:\n${gen.stderr}`];
  const problems = [];
  for (const [name, s] of Object.entries(SITES)) {
    const r = spawnSync(path.join(target, 'vigie'), ['build', '--root', s.root, '--out', s.out, '--now', NOW], { encoding: 'utf8' });
    if (r.status !== 0) problems.push(`vigie build of ${name} failed (${r.status}):\n${r.stderr}`);
  }
  return problems;
});
if (!built) finish();

// The headers `_headers` gives the root page of a build (its Content-Security-Policy…).
function rootHeaders(out) {
  const headers = {};
  let rule = null;
  for (const line of fs.readFileSync(path.join(out, '_headers'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) { rule = line.trim(); continue; }
    if (rule !== '/*' && rule !== '/index.html') continue;
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}
const PAGE_HEADERS = Object.fromEntries(Object.entries(SITES).map(([name, s]) => [name, rootHeaders(s.out)]));

// A static server with gzip, as a host serves a status page: /example/… and /provider/…,
// each front page with the headers its `_headers` gives it.
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.xml': 'application/xml' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const [, site, ...rest] = decodeURIComponent(url.pathname).split('/');
  const s = SITES[site];
  let file = s && path.join(s.out, ...rest);
  if (file && !file.startsWith(s.out)) file = null;
  if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!file || !fs.existsSync(file)) { res.writeHead(404); res.end('not found'); return; }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const body = fs.readFileSync(file);
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && !type.startsWith('image/png');
  const page = rest.join('/') === 'index.html' || rest.join('/') === '' ? PAGE_HEADERS[site] : {};
  res.writeHead(200, { ...page, 'content-type': type, 'cache-control': 'max-age=300', ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}) });
  res.end(gzip ? zlib.gzipSync(body) : body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const BASE = `http://127.0.0.1:${server.address().port}`;

function run(cmd, args, env) {
  return new Promise((ok) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', () => {});
    child.on('close', (status) => ok({ status, stderr }));
  });
}

async function lighthouse(site) {
  const out = path.join(tmp, `${site}.json`);
  const r = await run(lighthouseBin, [`${BASE}/${site}/index.html`, '--quiet',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
    '--only-categories=performance,accessibility', '--output=json', `--output-path=${out}`],
  { CHROME_PATH: CHROMIUM });
  if (r.status !== 0) throw new Error(`lighthouse failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failing = Object.values(j.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary').map((a) => a.id);
  return {
    elements: j.audits['dom-size'].numericValue,
    performance: Math.round(j.categories.performance.score * 100),
    accessibility: Math.round(j.categories.accessibility.score * 100),
    fcp: Math.round(j.audits['first-contentful-paint'].numericValue),
    lcp: Math.round(j.audits['largest-contentful-paint'].numericValue),
    tbt: Math.round(j.audits['total-blocking-time'].numericValue),
    bytes: fs.statSync(path.join(SITES[site].out, 'index.html')).size,
    gzip: zlib.gzipSync(fs.readFileSync(path.join(SITES[site].out, 'index.html'))).length,
    failing,
  };
}

const GOALS = {
  example: { elements: 800, performance: 100, accessibility: 100, bytes: Infinity },
  provider: { elements: 1500, performance: 95, accessibility: 100, bytes: 150 * 1000 },
};
for (const [site, goal] of Object.entries(GOALS)) {
  await check(`lighthouse, mobile, gzip: ${site} front page: ≤ ${goal.elements} elements${goal.bytes < Infinity ? `, ≤ ${goal.bytes / 1000} KB` : ''}, performance ≥ ${goal.performance}, accessibility ${goal.accessibility}`, async () => {
    const m = await lighthouse(site);
    console.log(`        ${site}: ${m.elements} elements, ${m.bytes} bytes (${m.gzip} gzipped), performance ${m.performance}, accessibility ${m.accessibility}, FCP ${m.fcp} ms, LCP ${m.lcp} ms, TBT ${m.tbt} ms`);
    const problems = [];
    if (m.elements > goal.elements) problems.push(`${m.elements} elements > ${goal.elements}`);
    if (m.bytes > goal.bytes) problems.push(`${m.bytes} bytes > ${goal.bytes}`);
    if (m.performance < goal.performance) problems.push(`performance ${m.performance} < ${goal.performance}`);
    if (m.accessibility < goal.accessibility) problems.push(`accessibility ${m.accessibility} < ${goal.accessibility}; failing audits: ${m.failing.join(', ')}`);
    return problems;
  });
}

// The provider's front page stays valid and accessible, as check.mjs checks the example's.
await check('Nu HTML Checker: the provider front page, no error', () => {
  const vnu = String(require('vnu-jar'));
  const r = spawnSync('java', ['-jar', vnu, '--errors-only', '--format', 'gnu', path.join(SITES.provider.out, 'index.html')], { encoding: 'utf8' });
  return r.status === 0 ? [] : [(r.stderr || r.stdout).trim().split('\n').slice(0, 10).join('\n        ')];
});
const { chromium } = require('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const axePath = require.resolve('axe-core/axe.min.js');
for (const scheme of ['light', 'dark']) {
  for (const [width, height] of [[390, 844], [1280, 800]]) {
    await check(`axe WCAG 2 A/AA, ${scheme}, ${width} px: the provider front page, as built and with every group opened, no serious or critical violation; its folded groups state status and uptime`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, viewport: { width, height } });
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date(NOW));
      await page.goto(`${BASE}/provider/index.html`);
      await page.addScriptTag({ path: axePath });
      const r = await page.evaluate(async (tags) => {
        const serious = async () => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }))
          .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
        const groups = [...document.querySelectorAll('details.group')].map((g) => ({ open: g.open, line: g.querySelector('summary').innerText }));
        const built = await serious();
        for (const g of document.querySelectorAll('details.group')) g.open = true;
        const opened = (await serious()).map((v) => `every group opened: ${v}`);
        return { violations: [...built, ...opened], groups };
      }, AXE_TAGS);
      await context.close();
      const problems = [...r.violations];
      if (r.groups.length !== 10) problems.push(`${r.groups.length} groups, not 10`);
      if (!r.groups.some((g) => g.open)) problems.push('no group open, though a member is in an ongoing incident');
      if (!r.groups.some((g) => !g.open)) problems.push('no group folded at 120 components');
      for (const g of r.groups) {
        if (!/\d\s?%/.test(g.line) || !/\p{L}{3,}/u.test(g.line)) problems.push(`a group's line without its uptime and status: “${g.line}”`);
      }
      return problems;
    });
  }
}

// Every component of every group shows its 90 days once its group is open: the members of
// a folded group as one element (role img, named by its days) whose days are a gradient
// in its style attribute, which the page's policy (sent in the header and the <meta>)
// allows; the others as an inline SVG. Also in forced colours, which drop a gradient
// unless the element keeps its colours.
for (const [label, options] of [
  ['light, 390 px', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
  ['dark, 1280 px', { colorScheme: 'dark', viewport: { width: 1280, height: 800 } }],
  ['forced colours, 1280 px', { colorScheme: 'dark', forcedColors: 'active', viewport: { width: 1280, height: 800 } }],
]) {
  await check(`the provider front page, ${label}, under its Content-Security-Policy: every component of every group, folded or not, draws its 90 days once shown, named by its days`, async () => {
    const context = await browser.newContext(options);
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    await page.clock.setFixedTime(new Date(NOW));
    const response = await page.goto(`${BASE}/provider/index.html`);
    const policy = response.headers()['content-security-policy'] ?? '';
    const problems = /style-src-attr 'unsafe-inline'/.test(policy) && /frame-ancestors 'none'/.test(policy) ? [] : [`the page was not sent with its policy: “${policy}”`];
    const r = await page.evaluate(() => {
      const problems = [];
      const folded = [...document.querySelectorAll('details.group:not([open])')].length;
      for (const g of document.querySelectorAll('details.group')) g.open = true;
      let strips = 0;
      for (const c of document.querySelectorAll('.components .component')) {
        const name = c.querySelector('.component-name')?.textContent.trim();
        const drawings = c.querySelectorAll('svg.days, .strip');
        if (drawings.length !== 1) { problems.push(`${name}: ${drawings.length} drawings`); continue; }
        const d = drawings[0];
        const box = d.getBoundingClientRect();
        const room = c.getBoundingClientRect().width;
        if (box.width < room * 0.85 || box.height < 16) problems.push(`${name}: its drawing is ${Math.round(box.width)}×${Math.round(box.height)} px in ${Math.round(room)}`);
        if (!d.matches('.strip')) continue;
        strips += 1;
        const style = d.getAttribute('style') ?? '';
        const image = getComputedStyle(d).backgroundImage;
        if (style.includes('gradient') && !image.startsWith('linear-gradient')) problems.push(`${name}: its days are not drawn (background-image ${image})`);
        if (d.getAttribute('role') !== 'img' || !/^\S.*\d/.test(d.title)) problems.push(`${name}: a drawing without its text: ${d.outerHTML.slice(0, 120)}`);
        // Each colour drawn is named in the text, and each name drawn.
        const words = { major: /Panne majeure/, partial: /Panne partielle/, degraded: /Performances dégradées/, maintenance: /Maintenance/ };
        for (const [k, word] of Object.entries(words)) {
          if (style.includes(`var(--${k})`) !== word.test(d.title)) problems.push(`${name}: the colour of ${k} and the text disagree: “${d.title}” ${style}`);
        }
      }
      return { problems, folded, strips, violations: window.cspViolations };
    });
    await context.close();
    problems.push(...r.problems, ...r.violations.map((v) => `policy violation: ${v}`));
    if (r.folded < 5) problems.push(`only ${r.folded} groups folded`);
    if (r.strips < 50) problems.push(`only ${r.strips} one-element drawings`);
    return problems;
  });
}
await browser.close();
server.close();
fs.rmSync(tmp, { recursive: true, force: true });
finish();
