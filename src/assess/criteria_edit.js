/* criteria_edit.js -- progressive enhancement of the criteria set editor
 * (assess/criteria_edit.html): each criterion shows only the fields of the way it is scored
 * (the figure for computed rules, the bands, the linear ends, the points per occurrence).
 * Without this script every field shows with its label saying when it applies, and the server
 * reads only the fields of the chosen way, so nothing depends on it. */
(function () {
  var form = document.getElementById('tt-criteria-form');
  if (!form) return;
  function update(sel) {
    var box = sel.closest('.tt-criterion');
    var parts = box.querySelectorAll('[data-for]');
    for (var i = 0; i < parts.length; i++)
      parts[i].hidden = parts[i].getAttribute('data-for').split(' ').indexOf(sel.value) < 0;
  }
  var sels = form.querySelectorAll('select[data-by]');
  for (var i = 0; i < sels.length; i++) update(sels[i]);
  form.addEventListener('change', function (e) {
    if (e.target.matches('select[data-by]')) update(e.target);
  });
})();
