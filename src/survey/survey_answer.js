/* survey_answer.js -- progressive enhancement of the survey form (survey/survey_answer.html):
 * a question shown only after a given answer is hidden until that answer is chosen. Without
 * this script every question shows with its "(Chỉ trả lời nếu ...)" note, and the server drops
 * answers to questions whose condition does not hold, so nothing depends on it. */
(function () {
  var form = document.querySelector('form[data-survey]');
  if (!form) return;
  var deps = form.querySelectorAll('[data-show-if]');
  function update() {
    for (var i = 0; i < deps.length; i++) {
      var c = deps[i].getAttribute('data-show-if').split('=');
      var input = form.querySelector('input[name="' + c[0] + '"][value="' + c[1] + '"]');
      var host = input && input.closest('[data-show-if]');
      deps[i].hidden = !(input && input.checked && !(host && host.hidden));
    }
  }
  /* a section whose questions are all hidden hides its heading too */
  function sections() {
    var hs = form.querySelectorAll('[data-section]');
    for (var i = 0; i < hs.length; i++) {
      var shown = false;
      for (var n = hs[i].nextElementSibling; n && !n.hasAttribute('data-section'); n = n.nextElementSibling)
        if (n.classList.contains('govuk-form-group') && !n.hidden) shown = true;
      hs[i].hidden = !shown;
    }
  }
  form.addEventListener('change', function () { update(); update(); sections(); });
  update();
  update();
  sections();
})();
