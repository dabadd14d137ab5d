/* Enrol one person (training/session_detail.html): suggestions from the person lookup as one types.
   A file, not an inline script: the Content-Security-Policy allows scripts from our own files only. */
(function () {
  "use strict";
  var box = document.getElementById("person-search"), out = document.getElementById("person-results");
  var target = document.getElementById("id_person"), timer = null;
  if (!box || !out || !target) { return; }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!box.value.trim()) { out.textContent = ""; return; }
      fetch(box.dataset.lookup + "?q=" + encodeURIComponent(box.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          out.textContent = "";
          data.results.forEach(function (p) {
            var b = document.createElement("button");
            b.type = "button"; b.className = "link";
            b.textContent = p.name + " · " + p.region + " · " + p.id_masked;
            b.addEventListener("click", function () { target.value = p.id; box.value = b.textContent; out.textContent = ""; });
            out.appendChild(b); out.appendChild(document.createElement("br"));
          });
        });
    }, 250);
  });
})();
