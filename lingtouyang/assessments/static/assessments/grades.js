// Grade distribution per region (stacked bars), from the page's own data; ECharts is vendored.
(function () {
  var data = JSON.parse(document.getElementById("grade-data").textContent);
  var el = document.getElementById("chart-grades");
  if (!el || !window.echarts) return;
  var font = window.getComputedStyle(document.body).fontFamily;
  var colours = ["#4c9a2a", "#2b7bb9", "#e3b341", "#b3261e"];
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    color: colours, textStyle: { fontFamily: font },
    title: { text: data.titles.children, left: "center", textStyle: { fontSize: 14, fontFamily: font } },
    tooltip: { renderMode: "richText", trigger: "axis" }, legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 36, containLabel: true },
    xAxis: { type: "category", data: data.children.map(function (c) { return c.name; }), axisLabel: { rotate: data.children.length > 6 ? 45 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: data.labels.map(function (label, i) {
      return { name: label, type: "bar", stack: "grades", data: data.children.map(function (c) { return c.grades[i]; }) };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
