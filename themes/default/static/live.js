// vigie: keeps a status page true while it stays open (src/render/live.rs says how).
// The build computes every state; this script only shows, at the time the build gave, the
// parts it rendered for the coming transitions, counts the durations still running, writes
// the page's age, and reloads the page when a newer build is out. Its words come from the
// page; it asks nothing of anyone but the site itself.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !('content' in document.createElement('template'))) return;
  var words = script.dataset;
  var built = document.querySelector('[data-generated]');

  // A duration as the build writes it (Lang::duration), in the page's words.
  function duration(seconds) {
    var total = Math.floor((Math.max(seconds, 0) + 30) / 60);
    var d = Math.floor(total / 1440), h = Math.floor((total % 1440) / 60), m = total % 60;
    var pattern = d > 0 ? words.days : h > 0 ? words.hours : words.minutes;
    return pattern.replace('{d}', d).replace('{h}', h)
      .replace('{mm}', (m < 10 ? '0' : '') + m).replace('{m}', m);
  }

  function all(selector) {
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  // The regions of a coming state replace those of the same key, where they stood.
  function show(template) {
    var keys = [], parts = {};
    Array.prototype.forEach.call(template.content.children, function (el) {
      var key = el.getAttribute('data-live');
      if (!parts[key]) { parts[key] = []; keys.push(key); }
      parts[key].push(el);
    });
    keys.forEach(function (key) {
      var old = all('[data-live]').filter(function (el) { return el.getAttribute('data-live') === key; });
      if (!old.length) return;
      parts[key].forEach(function (el) { old[0].parentNode.insertBefore(document.importNode(el, true), old[0]); });
      old.forEach(function (el) { el.parentNode.removeChild(el); });
    });
    template.parentNode.removeChild(template);
  }

  function tick() {
    var now = Date.now();
    all('template[data-at]').forEach(function (t) {
      if (Date.parse(t.getAttribute('data-at')) <= now) show(t);
    });
    all('[data-since]').forEach(function (el) {
      var until = el.hasAttribute('data-until') ? Date.parse(el.getAttribute('data-until')) : now;
      var seconds = Math.floor((Math.min(now, until) - Date.parse(el.getAttribute('data-since'))) / 1000);
      el.textContent = el.getAttribute('data-text').replace('{}', duration(seconds));
    });
    if (built) {
      var age = built.querySelector('.age');
      if (!age) {
        var time = built.querySelector('time');
        age = document.createElement('span');
        age.className = 'age';
        time.parentNode.insertBefore(age, time.nextSibling);
      }
      var seconds = Math.floor((now - Date.parse(built.getAttribute('data-generated'))) / 1000);
      age.textContent = seconds < 30 ? built.getAttribute('data-age-now')
        : built.getAttribute('data-age').replace('{}', duration(seconds));
    }
  }

  // A newer build published: reload, once for that build (a cache that still serves the
  // old page must not make it reload at every check). Any failure (no build.json yet,
  // offline) waits for the next check, silently.
  function poll() {
    if (!window.fetch) return;
    fetch(new URL('../api/build.json', script.src).href, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (build) {
        var at = build && build.generated_at;
        if (!(Date.parse(at) > Date.parse(built.getAttribute('data-generated')))) return;
        if (history.state && history.state.vigieReloadedFor === at) return;
        history.replaceState({ vigieReloadedFor: at }, '');
        location.reload();
      })
      .catch(function () {});
  }

  tick();
  setInterval(tick, 15000);
  if (built) setInterval(poll, 60000);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) tick();
  });
})();
