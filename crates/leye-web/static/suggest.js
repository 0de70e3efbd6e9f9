// Typeahead for the job search box: asks /api/v1/jobs/suggest as the person types and fills
// the box's <datalist>. Without this script the search works the same, only without hints.
(function () {
  var box = document.getElementById('q');
  var list = document.getElementById('suggest');
  if (!box || !list || !window.fetch) return;
  var timer = null, last = '';
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var t = box.value.trim();
      if (t === last || t.length === 0) return;
      last = t;
      fetch('/api/v1/jobs/suggest?q=' + encodeURIComponent(t))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) {
          while (list.firstChild) list.removeChild(list.firstChild);
          (d.items || []).forEach(function (s) {
            var o = document.createElement('option');
            o.value = s;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
