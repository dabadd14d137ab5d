// Compliance charts: overdue disclosures by region below and by item. Data from the page (json_script).
(function () {
  var data = JSON.parse(document.getElementById("compliance-data").textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  function bar(id, title, rows, horizontal) {
    var el = document.getElementById(id); if (!el || !rows.length) return null;
    var c = echarts.init(el, null, { renderer: "svg" });
    var names = rows.map(function (r) { return r[0]; }), values = rows.map(function (r) { return r[1]; });
    var cat = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 45, width: 140, overflow: "truncate" } };
    var val = { type: "value", minInterval: 1 };
    c.setOption({ color: ["#b3261e"], textStyle: { fontFamily: font },
      title: { text: title, left: "center", textStyle: { fontSize: 14, fontFamily: font } }, tooltip: { renderMode: "richText" },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
      series: [{ type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top", fontSize: 11 } }] });
    return c;
  }
  var charts = [bar("chart-children", data.title_children, data.children, false),
                bar("chart-items", data.title_items, data.items.slice().reverse(), true)];
  window.addEventListener("resize", function () { charts.forEach(function (c) { if (c) c.resize(); }); });
})();
