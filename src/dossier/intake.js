// intake.js -- the one-stop officer types a few letters, with or without diacritics, and the
// procedure list narrows at once; Enter opens the first match, arrows move through the list.
(function () {
  var input = document.querySelector('[data-filter]');
  if (!input) return;
  var list = document.getElementById(input.getAttribute('data-filter'));
  var items = Array.prototype.slice.call(list.querySelectorAll('li'));
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd')
      .toLowerCase().replace(/\s+/g, ' ').trim();
  }
  var keys = items.map(function (li) { return fold(li.textContent); });
  function visible() { return items.filter(function (li) { return !li.hidden; }); }
  input.addEventListener('input', function () {
    var words = fold(input.value).split(' ').filter(Boolean);
    items.forEach(function (li, i) {
      li.hidden = !words.every(function (w) { return keys[i].indexOf(w) >= 0; });
    });
  });
  input.addEventListener('keydown', function (ev) {
    var v = visible();
    if (ev.key === 'Enter' && v.length) { ev.preventDefault(); v[0].querySelector('a').click(); }
    if (ev.key === 'ArrowDown' && v.length) { ev.preventDefault(); v[0].querySelector('a').focus(); }
  });
  list.addEventListener('keydown', function (ev) {
    var v = visible(), i = v.indexOf(document.activeElement.parentNode);
    if (ev.key === 'ArrowDown' && i + 1 < v.length) { ev.preventDefault(); v[i + 1].querySelector('a').focus(); }
    if (ev.key === 'ArrowUp') { ev.preventDefault(); if (i > 0) v[i - 1].querySelector('a').focus(); else input.focus(); }
  });
})();
