/* Draws a report's charts with ECharts. Each element with data-report-chart names a
   <script type="application/json"> block holding {title, kind, labels, values};
   the report's tables carry the same numbers, so it reads fine without this script.
   Used by the web view and carried inline in the stand-alone HTML download. */
(function () {
  "use strict";

  var drawn = [];

  function readData(el) {
    var block = document.getElementById(el.getAttribute("data-report-chart") || "");
    if (!block) {
      return null;
    }
    try {
      return JSON.parse(block.textContent || "null");
    } catch (err) {
      return null;
    }
  }

  function option(data) {
    var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
    // richText tooltips: ECharts' HTML tooltips carry style attributes the CSP refuses.
    var tooltip = { trigger: "axis", renderMode: "richText" };
    var title = { text: data.title, left: "center", textStyle: { fontSize: 13 } };
    if (data.kind === "hbar") {
      return {
        title: title, tooltip: tooltip, grid: grid, color: ["#b5523b"],
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.labels },
        series: [{ type: "bar", data: data.values, barMaxWidth: 22 }]
      };
    }
    var line = data.kind === "line";
    return {
      title: title, tooltip: tooltip, grid: grid, color: ["#3b6fb6"],
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: line ? "line" : "bar",
        data: data.values,
        areaStyle: line ? { opacity: 0.15 } : undefined,
        barMaxWidth: 36
      }]
    };
  }

  function draw(el) {
    var data = readData(el);
    if (!data || typeof window.echarts === "undefined") {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(data));
    drawn.push(chart);
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-report-chart]"), draw);
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
