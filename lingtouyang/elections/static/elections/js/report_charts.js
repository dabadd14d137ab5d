// Before/after charts for the term structure report; data from the page (json_script), ECharts served locally.
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  // The same palette as the region page's charts: the earlier term grey, the later one red.
  var before = "#8c959f", after = "#b3261e";
  var font = window.getComputedStyle(document.body).fontFamily;
  function title(text) { return { text: text, left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600, fontFamily: font } }; }
  function mount(id) { var el = document.getElementById(id); return el ? echarts.init(el, null, { renderer: "svg" }) : null; }
  function textWidth(t) { var w = 0; for (var i = 0; i < t.length; i++) w += t.charCodeAt(i) > 0x2e80 ? 12 : 7.5; return w; }
  function categoryLabels(el, names) {
    var per = el.clientWidth / Math.max(names.length, 1);
    var widest = Math.max.apply(null, names.map(function (n) { return textWidth(String(n)); }));
    return { interval: per < 26 ? "auto" : 0, rotate: per < widest + 12 ? 45 : 0 };
  }
  // Two bars per category: the earlier term, then the later one.
  function pair(id, name, labels, first, second, unit, labelShow) {
    var c = mount(id); if (!c) return null;
    var fmt = function (p) { return p.value == null ? "" : p.value + unit; };
    c.setOption({ color: [before, after], textStyle: { fontFamily: font }, title: title(name),
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { bottom: 0, left: "center", data: data.terms, textStyle: { fontFamily: font } },
      grid: { left: 16, right: 8, bottom: 28, top: 48, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: categoryLabels(c.getDom(), labels) },
      yAxis: { type: "value" },
      series: [
        { name: data.terms[0], type: "bar", data: first, label: { show: labelShow, position: "top", fontSize: 11, formatter: fmt } },
        { name: data.terms[1], type: "bar", data: second, label: { show: labelShow, position: "top", fontSize: 11, formatter: fmt } }
      ] });
    return c;
  }
  var charts = [
    pair("chart-age", data.titles.age, data.age.labels, data.age.before, data.age.after, "", true),
    pair("chart-source", data.titles.source, data.source.labels, data.source.before, data.source.after, "%", false),
    pair("chart-dual", data.titles.dual, [data.titles.dual_label, data.titles.average_age],
         [data.dual[0], data.average_age[0]], [data.dual[1], data.average_age[1]], "", true)
  ];
  var kids = data.children;
  if (kids.length > 1) {
    charts.push(pair("chart-children", data.titles.children, kids.map(function (r) { return r.name; }),
      kids.map(function (r) { return r.before; }), kids.map(function (r) { return r.after; }), "", kids.length <= 12));
  }
  window.addEventListener("resize", function () { charts.forEach(function (x) { if (x) x.resize(); }); });
})();
