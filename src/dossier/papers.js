// papers.js -- the intake checklist: "all received" ticks every paper at once; unticking a
// paper unticks "all received". Without JavaScript the server reads all_papers the same way.
(function () {
  var box = document.querySelector('[data-papers]');
  if (!box) return;
  var all = document.getElementById('all_papers');
  var papers = Array.prototype.slice.call(box.querySelectorAll('.tt-paper input[type=checkbox]'));
  all.addEventListener('change', function () {
    papers.forEach(function (p) { p.checked = all.checked; });
  });
  papers.forEach(function (p) {
    p.addEventListener('change', function () {
      all.checked = papers.every(function (q) { return q.checked; });
    });
  });
})();
