// Training coverage charts: the share trained by region below and by post; data from the page (json_script),
// ECharts served locally.
(function () {
  var data = JSON.parse(document.getElementById("coverage-data").textContent);
  var red = "#b3261e";
  var font = window.getComputedStyle(document.body).fontFamily;
  function title(text) { return { text: text, left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600, fontFamily: font } }; }
  function mount(id) { var el = document.getElementById(id); return el ? echarts.init(el, null, { renderer: "svg" }) : null; }
  function textWidth(t) { var w = 0; for (var i = 0; i < t.length; i++) w += t.charCodeAt(i) > 0x2e80 ? 12 : 7.5; return w; }
  function categoryLabels(el, names) {
    var per = el.clientWidth / Math.max(names.length, 1);
    var widest = Math.max.apply(null, names.map(function (n) { return textWidth(String(n)); }));
    return { interval: per < 26 ? "auto" : 0, rotate: per < widest + 12 ? 45 : 0 };
  }
  function bars(id, name, rows) {
    var c = mount(id); if (!c) return null;
    var labels = rows.map(function (r) { return r.name; });
    c.setOption({ color: [red], textStyle: { fontFamily: font }, title: title(name),
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : v + "%"; } },
      grid: { left: 16, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: categoryLabels(c.getDom(), labels) },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ name: data.titles.share, type: "bar", data: rows.map(function (r) { return r.share; }),
                 label: { show: rows.length <= 12, position: "top", fontSize: 11,
                          formatter: function (p) { return p.value == null ? "" : p.value + "%"; } } }] });
    return c;
  }
  var charts = [bars("chart-children", data.titles.children, data.children),
                bars("chart-posts", data.titles.posts, data.posts)];
  window.addEventListener("resize", function () { charts.forEach(function (x) { if (x) x.resize(); }); });
})();
