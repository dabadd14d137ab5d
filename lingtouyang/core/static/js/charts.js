// Structure charts for a region page. Data comes from the page (json_script), never from a CDN.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#b3261e", "#d9822b", "#e3b341", "#4c9a2a", "#2b7bb9", "#6f42c1", "#8c959f"];
  function mount(id) { var el = document.getElementById(id); return el ? echarts.init(el, null, { renderer: "svg" }) : null; }
  function bar(id, title, rows) {
    var c = mount(id); if (!c) return;
    c.setOption({ color: palette, title: { text: title, textStyle: { fontSize: 14 } }, tooltip: {},
      grid: { left: 40, right: 10, bottom: 40, top: 40 },
      xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), label: { show: true, position: "top" } }] });
    return c;
  }
  function pie(id, title, rows) {
    var c = mount(id); if (!c) return;
    c.setOption({ color: palette, title: { text: title, textStyle: { fontSize: 14 } }, tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 20, data: rows.filter(function (r) { return r[1] > 0; }).map(function (r) { return { name: r[0], value: r[1] }; }),
        label: { formatter: "{b}\n{d}%" } }] });
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
    c.setOption({ color: palette, title: { text: data.titles.children, textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0, data: [data.titles.cadres, data.titles.average_age] },
      grid: { left: 45, right: 45, bottom: 70, top: 40 },
      xAxis: { type: "category", data: kids.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: 40 } },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 20, max: 70 }],
      series: [{ name: data.titles.cadres, type: "bar", data: kids.map(function (r) { return r.total; }) },
               { name: data.titles.average_age, type: "line", yAxisIndex: 1, data: kids.map(function (r) { return r.average_age; }) }] });
    // Drill down: a click on a region's bar opens that region.
    c.on("click", function (p) { window.location.href = kids[p.dataIndex].url; });
    charts.push(c);
  }
  window.addEventListener("resize", function () { charts.forEach(function (x) { if (x) x.resize(); }); });
})();
