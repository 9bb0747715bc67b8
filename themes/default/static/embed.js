// vigie: the status banner for other sites (docs/embed.md). A page of any origin loads it
// with <script src="https://status.example.fr/embed.js" defer></script>; it reads
// api/v2/summary.json next to itself and, only while an incident is unresolved or a
// maintenance is in progress or starts within a day, adds a banner at the top (or bottom)
// of the page. Options: data-position="top|bottom", data-components="mail,webmail",
// data-theme="auto|light|dark". No cookie; the one thing stored is, in localStorage, the
// incidents whose banner was closed. It asks nothing of anyone but the status site, and
// stays silent when it cannot: no error ever reaches the host page's console.
(function () {
  'use strict';
  // The site's language and the banner's words in each language vigie speaks (the build
  // writes them here).
  var DATA = {};
  var DAY = 864e5;
  var RANK = { critical: 4, major: 3, minor: 2, maintenance: 1, upcoming: 0 };
  var COLOURS = { critical: '#b3261e', major: '#a84300', minor: '#8a5a00', maintenance: '#2c5fa8', upcoming: '#2c5fa8' };

  function run(script) {
    var opts = script.dataset || {};
    var base = new URL('.', script.src).href;
    var key = 'vigie-embed-dismissed:' + base;
    var host = (document.documentElement.lang || '').toLowerCase().split(/[-_]/)[0];
    var lang = DATA.words[host] ? host : DATA.lang;
    var w = DATA.words[lang];
    var wanted = (opts.components || '').split(',').map(function (s) { return s.trim(); })
      .filter(function (s) { return s; });

    function dismissed() {
      try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; }
    }
    function remember(ids) {
      try { localStorage.setItem(key, JSON.stringify(ids)); } catch (e) { /* storage refused */ }
    }
    // A link of the status site, followed from where this script is (the build's
    // base_url may not be where it is served from).
    function link(url, page) {
      if (typeof url !== 'string') return base;
      if (page && url.indexOf(page) === 0) return base + url.slice(page.length);
      return /^https?:\/\//.test(url) ? url : base;
    }

    function show(summary) {
      if (!summary || !summary.page || document.getElementById('vigie-embed')) return;
      var now = Date.now();
      var only = {};
      wanted.forEach(function (id) { only[id] = true; });
      (summary.components || []).forEach(function (c) {
        if (c.group && only[c.id]) (c.components || []).forEach(function (m) { only[m] = true; });
      });
      function touches(item) {
        return !wanted.length || (item.components || []).some(function (c) { return only[c.id]; });
      }
      var items = [];
      (summary.incidents || []).forEach(function (i) {
        // A notice (impact none) is information, not a problem: no banner for it.
        if (i.status !== 'resolved' && RANK[i.impact] > 1 && touches(i)) items.push({ i: i, kind: i.impact });
      });
      (summary.scheduled_maintenances || []).forEach(function (m) {
        var from = Date.parse(m.scheduled_for), until = Date.parse(m.scheduled_until);
        if (m.status === 'completed' || until <= now || !touches(m)) return;
        if (m.status !== 'scheduled' || from <= now) items.push({ i: m, kind: 'maintenance' });
        else if (from - now <= DAY) items.push({ i: m, kind: 'upcoming', at: from });
      });
      var closed = dismissed();
      var shown = items.filter(function (x) { return closed.indexOf(x.i.id) < 0; });
      if (!shown.length) return;
      shown.sort(function (a, b) { return RANK[b.kind] - RANK[a.kind]; });
      var worst = shown[0].kind;
      var dark = opts.theme === 'dark' || (opts.theme !== 'light' && window.matchMedia &&
        window.matchMedia('(prefers-color-scheme: dark)').matches);

      function el(tag, css, text) {
        var e = document.createElement(tag);
        for (var k in css) e.style[k] = css[k];
        if (text) e.textContent = text;
        return e;
      }
      var ink = dark ? '#f2f2f2' : '#1a1a1a', anchor = dark ? '#9cc2ff' : '#0b57d0';
      var box = el('section', {
        background: dark ? '#1e1e1e' : '#ffffff', color: ink, borderLeft: '6px solid ' + COLOURS[worst],
        borderBottom: '1px solid ' + (dark ? '#555' : '#ccc'), padding: '8px 56px 8px 16px',
        font: '16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif', position: 'relative',
        boxSizing: 'border-box', width: '100%', textAlign: 'left', zIndex: '2147483000'
      });
      box.id = 'vigie-embed';
      box.lang = lang;
      box.setAttribute('aria-labelledby', 'vigie-embed-heading');
      if (opts.position === 'bottom') {
        box.style.position = 'fixed';
        box.style.left = box.style.right = box.style.bottom = '0';
        box.style.boxShadow = '0 -2px 8px rgba(0,0,0,.3)';
      }
      var h = el('h2', { fontSize: '1em', fontWeight: 'bold', lineHeight: '1.5', fontFamily: 'inherit', margin: '0', color: ink },
        w.heading + w.colon + ' ' + w[worst]);
      h.id = 'vigie-embed-heading';
      box.appendChild(h);
      var list = el('ul', { margin: '0', padding: '0', listStyle: 'none' });
      var date = window.Intl && new Intl.DateTimeFormat(lang, {
        timeZone: summary.page.time_zone || undefined, weekday: 'long', hour: '2-digit', minute: '2-digit',
        timeZoneName: 'short'
      });
      shown.forEach(function (x) {
        var li = el('li', { margin: '0' });
        var a = el('a', { color: anchor, textDecoration: 'underline' }, x.i.name);
        a.href = link(x.i.shortlink, summary.page.url);
        if (lang !== DATA.lang) a.lang = DATA.lang;
        li.appendChild(a);
        var more = x.kind === 'upcoming' && date ? w.upcoming + ', ' + date.format(new Date(x.at)) : w[x.kind];
        if (x !== shown[0] || x.kind === 'upcoming') li.appendChild(document.createTextNode(' (' + more + ')'));
        list.appendChild(li);
      });
      box.appendChild(list);
      var page = el('a', { color: anchor }, w.page);
      page.href = base;
      var p = el('p', { margin: '0' });
      p.appendChild(page);
      box.appendChild(p);
      var close = el('button', {
        position: 'absolute', top: '4px', right: '4px', width: '44px', height: '44px', padding: '0',
        border: '0', background: 'transparent', color: ink, font: '24px/1 sans-serif', cursor: 'pointer'
      }, '\u00d7');
      close.type = 'button';
      close.setAttribute('aria-label', w.close);
      close.addEventListener('click', function () {
        var ids = items.map(function (x) { return x.i.id; });
        remember(closed.filter(function (id) { return ids.indexOf(id) >= 0; })
          .concat(shown.map(function (x) { return x.i.id; })));
        box.parentNode.removeChild(box);
      });
      box.appendChild(close);
      if (opts.position === 'bottom') document.body.appendChild(box);
      else document.body.insertBefore(box, document.body.firstChild);
    }

    fetch(base + 'api/v2/summary.json', { credentials: 'omit', cache: 'no-cache', referrerPolicy: 'no-referrer' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (summary) {
        if (document.readyState === 'loading') {
          document.addEventListener('DOMContentLoaded', function () { try { show(summary); } catch (e) { /* silent */ } });
        } else show(summary);
      })
      .catch(function () { /* the status site is down or unreachable: say nothing */ });
  }

  try {
    var script = document.currentScript;
    if (script && script.src && window.fetch && window.URL && DATA.words) run(script);
  } catch (e) { /* an old browser: say nothing */ }
})();
