// letter_editor.js -- the letter template editor's live preview and placeholder buttons, and
// the delivery form's postal field. The pages work without it: the editor saves by its form,
// the placeholders can be typed, the postal field is always shown.
(function () {
  // ---- delivery: the postal tracking number only matters for "post"
  var method = document.querySelector('[data-method-select]');
  var postal = document.querySelector('[data-show-for="post"]');
  if (method && postal) {
    var toggle = function () { postal.hidden = method.value !== 'post'; };
    method.addEventListener('change', toggle);
    toggle();
  }

  var form = document.querySelector('form[data-letter-editor]');
  if (!form) return;
  var preview = document.getElementById('tt-preview');
  var errorBox = document.getElementById('tt-preview-error');
  var fields = Array.prototype.slice.call(form.querySelectorAll('[data-word]'));
  var lastField = form.querySelector('[data-word="body"]');

  // ---- placeholders: inserted where the cursor was in the last field used
  fields.forEach(function (f) { f.addEventListener('focus', function () { lastField = f; }); });
  document.querySelectorAll('[data-insert]').forEach(function (b) {
    b.addEventListener('click', function () {
      var f = lastField, text = b.getAttribute('data-insert');
      var start = f.selectionStart, end = f.selectionEnd;
      if (typeof start !== 'number') { start = end = f.value.length; }
      f.value = f.value.slice(0, start) + text + f.value.slice(end);
      f.focus();
      f.setSelectionRange(start + text.length, start + text.length);
      schedule();
    });
  });

  // ---- the preview: the same page the server draws, from the words it renders
  function out(name) { return preview.querySelector('[data-out="' + name + '"]'); }
  function paragraphs(body) {
    var box = out('body');
    while (box.firstChild) box.removeChild(box.firstChild);
    body.replace(/\r/g, '').split(/\n[ \t]*\n/).forEach(function (par) {
      var lines = par.split('\n').filter(function (l) { return l.trim() !== ''; });
      if (!lines.length) return;
      var text = lines.join('\n'), p = document.createElement('p');
      var display = text.indexOf('# ') === 0;
      p.className = display ? 'tt-letter__display' : 'tt-letter__par';
      p.textContent = display ? text.slice(2) : text;
      box.appendChild(p);
    });
  }
  function show(answer) {
    var w = answer.words || {};
    out('title').textContent = w.title || '';
    out('greeting').textContent = w.greeting || '';
    out('closing').textContent = w.closing || '';
    paragraphs(w.body || '');
    errorBox.textContent = answer.ok ? '' : (answer.error || '');
    errorBox.hidden = !!answer.ok;
    fields.forEach(function (f) {
      f.classList.toggle('tt-field-bad', !answer.ok && answer.field === f.name);
    });
  }

  var timer = null, seq = 0;
  function send() {
    var mine = ++seq;
    fetch(form.getAttribute('data-preview'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)),
    }).then(function (res) { return res.json(); }).then(function (answer) {
      if (mine === seq) show(answer);   // an older answer never overwrites a newer one
    }).catch(function () { /* the saved page still works; the preview waits for the next key */ });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(send, 300);
  }
  fields.forEach(function (f) { f.addEventListener('input', schedule); });
})();
