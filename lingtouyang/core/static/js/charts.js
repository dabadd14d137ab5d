// Structure charts for a region page. Data comes from the page (json_script), never from a CDN.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#b3261e", "#d9822b", "#e3b341", "#4c9a2a", "#2b7bb9", "#6f42c1", "#8c959f"];
  // The page's own font stack, so that Chinese in the charts uses the same (Simplified Chinese) font.
  var font = window.getComputedStyle(document.body).fontFamily;
  var base = { color: palette, textStyle: { fontFamily: font } };
  function title(text) { return { text: text, left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600, fontFamily: font } }; }
  function options(extra) { var o = {}, k; for (k in base) o[k] = base[k]; for (k in extra) o[k] = extra[k]; return o; }
  // Tooltips are drawn in the chart (renderMode "richText" below, as in every chart of the project): ECharts'
  // HTML tooltips carry style attributes, which the Content-Security-Policy refuses.
  function mount(id) { var el = document.getElementById(id); return el ? echarts.init(el, null, { renderer: "svg" }) : null; }
  // Category labels: level when they fit, slanted when crowded, thinned out when even that overlaps.
  function textWidth(t) { var w = 0; for (var i = 0; i < t.length; i++) w += t.charCodeAt(i) > 0x2e80 ? 12 : 7.5; return w; }
  function categoryLabels(el, names) {
    var per = el.clientWidth / Math.max(names.length, 1);
    var widest = Math.max.apply(null, names.map(function (n) { return textWidth(String(n)); }));
    return { interval: per < 26 ? "auto" : 0, rotate: per < widest + 12 ? 45 : 0 };
  }
  function bar(id, name, rows) {
    var c = mount(id); if (!c) return;
    c.setOption(options({ title: title(name), tooltip: { renderMode: "richText" },
      // top leaves room for the title and the value above the tallest bar; axis labels stay inside.
      grid: { left: 16, right: 8, bottom: 4, top: 48, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: categoryLabels(c.getDom(), rows.map(function (r) { return r[0]; })) },
      yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), label: { show: true, position: "top", fontSize: 11 } }] }));
    return c;
  }
  function pie(id, name, rows) {
    var el = document.getElementById(id); if (!el) return;
    rows = rows.filter(function (r) { return r[1] > 0; });
    var total = rows.reduce(function (sum, r) { return sum + r[1]; }, 0) || 1;
    var share = {};
    rows.forEach(function (r) { share[r[0]] = Math.round(r[1] * 100 / total) + "%"; });
    // Names and shares go in the legend below the ring (beside it, a narrow card cut them off);
    // the card grows by the legend's lines so that the legend never covers the ring.
    var width = el.clientWidth - 16, lines = 1, used = 0;
    rows.forEach(function (r) {
      var w = 12 + 5 + textWidth(r[0] + " " + share[r[0]]) * 12 / 13 + 10;
      if (used && used + w > width) { lines += 1; used = 0; }
      used += w;
    });
    var ring = Math.min(el.clientWidth - 40, 180), top = 34;
    el.style.height = Math.max(el.clientHeight, top + ring + 12 + lines * 20) + "px";
    var c = echarts.init(el, null, { renderer: "svg" });
    c.setOption(options({ title: title(name), tooltip: { renderMode: "richText", trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, left: "center", itemWidth: 12, itemHeight: 10, itemGap: 10,
        formatter: function (n) { return n + " " + share[n]; }, textStyle: { fontSize: 12, fontFamily: font } },
      series: [{ type: "pie", radius: [ring * 0.3, ring / 2], center: ["50%", top + ring / 2],
        data: rows.map(function (r) { return { name: r[0], value: r[1] }; }),
        label: { show: false }, labelLine: { show: false } }] }));
    return c;
  }
  var charts = [
    bar("chart-age", data.titles.age, data.age),
    bar("chart-edu", data.titles.education, data.education),
    pie("chart-source", data.titles.source, data.source),
    pie("chart-gender", data.titles.gender, data.gender)
  ];
  var kids = data.children.filter(function (r) { return r.total > 0; });
  var c = kids.length ? mount("chart-children") : null;
  if (c) {
    c.setOption(options({ title: title(data.titles.children), tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { bottom: 0, left: "center", data: [data.titles.cadres, data.titles.average_age], textStyle: { fontFamily: font } },
      grid: { left: 24, right: 4, bottom: 30, top: 40, containLabel: true },
      xAxis: { type: "category", data: kids.map(function (r) { return r.name; }), axisLabel: categoryLabels(c.getDom(), kids.map(function (r) { return r.name; })) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 20, max: 70 }],
      series: [{ name: data.titles.cadres, type: "bar", data: kids.map(function (r) { return r.total; }), cursor: "pointer" },
               { name: data.titles.average_age, type: "line", yAxisIndex: 1, data: kids.map(function (r) { return r.average_age; }) }] }));
    // Drill down: a click on a region's bar opens that region.
    c.on("click", function (p) { window.location.href = kids[p.dataIndex].url; });
    charts.push(c);
  }
  window.addEventListener("resize", function () { charts.forEach(function (x) { if (x) x.resize(); }); });
})();
