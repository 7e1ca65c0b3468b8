// cycle_live.js -- the self-assessment's total and level as the commune types (cycle_show.html).
// The server scores the saved cycle (src/assess/score.c); this only previews the same rules
// for what is on the form: points of every line (the figures' points where the system computes
// them), bonus added, penalty taken off, a level reached when its minimum total is met, every
// scored line and every group has its minimum share and no ticked (or computed) blocker stops it. Without
// JavaScript the page works the same; the total is shown after saving.
(function () {
  'use strict';
  var form = document.getElementById('tt-self-form');
  if (!form) return;
  var cfg;
  try { cfg = JSON.parse(form.getAttribute('data-live') || '{}'); } catch (e) { return; }
  var box = document.getElementById('tt-live');
  var totalOut = document.getElementById('tt-live-total');
  var levelOut = document.getElementById('tt-live-level');
  if (!box || !totalOut || !levelOut || !cfg.levels) return;

  function tenths(text) {
    var t = (text || '').trim().replace(',', '.');
    if (!/^\d+(\.\d)?$/.test(t)) return null;
    return Math.round(parseFloat(t) * 10);
  }
  function show(p10) {
    var s = String(Math.floor(p10 / 10));
    return p10 % 10 ? s + ',' + (p10 % 10) : s;
  }
  function update() {
    var total = 0;
    var lines = [];
    var groups = {};
    form.querySelectorAll('tr[data-criterion]').forEach(function (tr) {
      var max = parseInt(tr.getAttribute('data-max'), 10) || 0;
      var kind = tr.getAttribute('data-kind');
      var p = tr.hasAttribute('data-points') ? parseInt(tr.getAttribute('data-points'), 10) : null;
      if (p === null) {
        var input = tr.querySelector('input[name^="p_"]');
        p = input ? tenths(input.value) : null;
      }
      if (p === null) p = 0;
      if (p > max) p = max;
      total += kind === 'penalty' ? -p : p;
      if (kind === 'score') {
        lines.push([p, max]);
        var g = tr.getAttribute('data-group') || '';
        groups[g] = groups[g] || [0, 0];
        groups[g][0] += p;
        groups[g][1] += max;
      }
    });
    if (total < 0) total = 0;
    var blocked = cfg.blocked || 0;
    form.querySelectorAll('input[data-from-level]').forEach(function (b) {
      var from = parseInt(b.getAttribute('data-from-level'), 10);
      if (b.checked && (!blocked || from < blocked)) blocked = from;
    });
    var name = cfg.none || '';
    for (var i = 0; i < cfg.levels.length; i++) {   // highest first
      var lv = cfg.levels[i];
      if (total < lv.min) continue;
      if (blocked && blocked <= lv.level) continue;
      var each = lines.every(function (l) { return !lv.pct || l[0] * 100 >= l[1] * lv.pct; });
      if (!each) continue;
      var whole = Object.keys(groups).every(function (k) {
        return !lv.gpct || groups[k][0] * 100 >= groups[k][1] * lv.gpct;
      });
      if (!whole) continue;
      name = lv.name;
      break;
    }
    totalOut.textContent = show(total);
    levelOut.textContent = name;
    box.hidden = false;
  }
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
}());
