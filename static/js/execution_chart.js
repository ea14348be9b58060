// Budget execution chart (ECharts); its data comes from the page's json_script "chart-data".
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  const target = document.getElementById("chart");
  if (!source || !target || !window.echarts) return;
  const d = JSON.parse(source.textContent);
  const chart = echarts.init(target);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis"},
    legend: {data: ["已安排", "已审批待支付", "已支付", "执行率"]},
    grid: {left: 60, right: 60, bottom: 90},
    xAxis: {type: "category", data: d.names, axisLabel: {interval: 0, rotate: d.names.length > 6 ? 30 : 0}},
    yAxis: [{type: "value", name: "万元"}, {type: "value", name: "执行率%", max: 100}],
    series: [
      {name: "已安排", type: "bar", data: d.allocated},
      {name: "已审批待支付", type: "bar", data: d.approved},
      {name: "已支付", type: "bar", data: d.paid},
      {name: "执行率", type: "line", yAxisIndex: 1, data: d.rate},
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
