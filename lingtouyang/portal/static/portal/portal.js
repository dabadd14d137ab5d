/* The public portal's only script (loaded with defer; the pages hold none inline). Two small jobs:
   the visitor counter (one POST per home-page visit) and search suggestions as you type. The pages work
   without it: the search form submits to the results page. */
(function () {
  "use strict";
  var visits = document.getElementById("visits");
  if (visits && window.fetch) {
    fetch(visits.getAttribute("data-counter"), {method: "POST", credentials: "omit"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { visits.textContent = data.count.toLocaleString("zh-CN"); } })
      .catch(function () { visits.textContent = "—"; });
  }
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) { return; }
  var region = document.getElementById("region");
  var timer = null;
  var asked = "";
  function show(results) {
    list.textContent = "";
    results.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.name + "  " + p.county + " " + p.township;
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  function ask() {
    var q = input.value.trim();
    var key = q + "|" + (region ? region.value : "");
    if (key === asked) { return; }
    asked = key;
    if (!q) { show([]); return; }
    var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q) +
      (region && region.value ? "&region=" + encodeURIComponent(region.value) : "");
    fetch(url, {credentials: "omit"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) { if (asked === key) { show(data.results); } })
      .catch(function () {});
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
  if (region) { region.addEventListener("change", ask); }
})();
