// datewords.js -- a date field is plain text in the page's fixed format (ngày/tháng/năm),
// never the browser's locale; as the officer types, the date is echoed in words under the
// field ("thứ Năm, ngày 07 tháng 01 năm 2027"), the same words the server gives on an error
// page (cal_format_words in src/core/calendar.c), so 07/01 cannot pass for 1 July unseen.
(function () {
  var fields = document.querySelectorAll('input[data-date]');
  if (!fields.length) return;
  var days = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
  function two(n) { return (n < 10 ? '0' : '') + n; }
  // "07/01/2027" or "7/1/2027", with "HH:MM" after a space for a date-and-time field
  function words(text, withTime) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
    if (!m || (withTime && !m[4])) return null;
    var d = +m[1], mo = +m[2], y = +m[3];
    var when = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1900 || when.getUTCMonth() !== mo - 1 || when.getUTCDate() !== d) return null;
    var s = days[when.getUTCDay()] + ', ngày ' + two(d) + ' tháng ' + two(mo) + ' năm ' + y;
    if (m[4]) {
      if (+m[4] > 23 || +m[5] > 59) return null;
      s = two(+m[4]) + ':' + m[5] + ', ' + s;
    }
    return s;
  }
  Array.prototype.forEach.call(fields, function (input) {
    var out = document.createElement('p');
    out.className = 'govuk-hint tt-date-words';
    out.id = input.id + '-words';
    out.setAttribute('aria-live', 'polite');
    input.parentNode.insertBefore(out, input.nextSibling);
    var described = input.getAttribute('aria-describedby');
    input.setAttribute('aria-describedby', (described ? described + ' ' : '') + out.id);
    function echo() {
      var v = input.value.trim();
      var timed = input.getAttribute('data-date') === 'time';
      var w = v ? words(v, timed) : '';
      // a date still being typed is not yet wrong: say so only once it is long enough
      if (w === null && v.length < (timed ? 14 : 8)) w = '';
      out.textContent = w === null ? (timed
        ? 'Chưa đúng dạng ngày/tháng/năm giờ:phút, ví dụ 07/01/2027 09:30'
        : 'Chưa đúng dạng ngày/tháng/năm, ví dụ 07/01/2027') : w;
    }
    input.addEventListener('input', echo);
    echo();
  });
})();
