// rating_kiosk.js -- the desk tablet's rating page goes back to its start by itself: the thanks
// screen after data-reset seconds (the Refresh header does the same without script), any other
// screen after 60 seconds without a touch, so the next citizen never finds the last one's dossier.
(function () {
  var root = document.querySelector('.tt-kiosk');
  if (!root) return;
  var start = '/danh-gia/tai-quay';
  var thanks = root.hasAttribute('data-thanks');
  if (!thanks && location.pathname === start && !location.search) return;   // already at the start
  var wait = (thanks ? parseInt(root.getAttribute('data-reset'), 10) || 10 : 60) * 1000;
  var timer = 0;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { location.replace(start); }, wait);
  }
  if (!thanks) ['pointerdown', 'keydown', 'input'].forEach(function (ev) { document.addEventListener(ev, arm, true); });
  arm();
}());
