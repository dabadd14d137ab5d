// Indicator charts: per indicator, what was added each year (bars) and the cumulative total (line). Data from
// the page (json_script); ECharts served locally.
(function () {
  var data = JSON.parse(document.getElementById("indicator-data").textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var charts = [];
  data.series.forEach(function (s, i) {
    var el = document.getElementById("chart-" + i);
    if (!el || !s.years.length) { if (el) el.style.display = "none"; return; }
    var c = echarts.init(el, null, { renderer: "svg" });
    var series = [{ name: data.titles.added, type: "bar", data: s.added, itemStyle: { color: "#e3b341" } }];
    if (s.cumulative) {
      series.push({ name: data.titles.running, type: "line", data: s.running, itemStyle: { color: "#b3261e" },
                    label: { show: true, position: "top", fontSize: 11 } });
    }
    c.setOption({ textStyle: { fontFamily: font },
      title: { text: s.name + " (" + s.unit + ")", left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600, fontFamily: font } },
      tooltip: { renderMode: "richText", trigger: "axis" }, legend: { bottom: 0, left: "center", textStyle: { fontFamily: font } },
      grid: { left: 16, right: 16, bottom: 30, top: 40, containLabel: true },
      xAxis: { type: "category", data: s.years.map(String) }, yAxis: { type: "value" }, series: series });
    charts.push(c);
  });
  window.addEventListener("resize", function () { charts.forEach(function (x) { x.resize(); }); });
})();
