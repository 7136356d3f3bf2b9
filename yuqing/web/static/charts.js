/* Draws the pages' charts with ECharts. Each chart element names, in data-chart,
   a <script type="application/json"> block holding its data (kind, labels, values
   or series, links); the tables under the charts carry the same numbers, so the
   pages read fine without this script. Links are followed only when they are paths
   on this site. No inline script is needed anywhere (the CSP allows none). */
(function () {
  "use strict";

  var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
  var drawn = [];

  // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style attributes,
  // which the CSP (style-src 'self') refuses.
  function tooltip(trigger, formatter) {
    var tip = { trigger: trigger, renderMode: "richText", axisPointer: { type: "shadow" } };
    if (formatter) {
      tip.formatter = formatter;
    }
    return tip;
  }

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function readData(el) {
    var block = document.getElementById(el.getAttribute("data-chart") || "");
    if (!block) {
      return null;
    }
    try {
      return JSON.parse(block.textContent || "null");
    } catch (err) {
      return null;
    }
  }

  function hasLinks(data) {
    return (data.links || []).some(function (url) { return sameSite(url) !== null; });
  }

  function stacked(data) {
    return {
      color: data.series.map(function (s) { return s.colour; }),
      tooltip: tooltip("axis"),
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "total", data: s.data, barMaxWidth: 32 };
      })
    };
  }

  function bar(data) {
    return {
      color: ["#3b6fb6"],
      tooltip: tooltip("axis"),
      grid: grid,
      xAxis: {
        type: "category",
        data: data.labels,
        axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 40 : 0 }
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.values, barMaxWidth: 36 }]
    };
  }

  function hbar(data) {
    return {
      color: ["#b5523b"],
      tooltip: tooltip("axis"),
      grid: grid,
      xAxis: { type: "value" },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.labels,
        axisLabel: { width: 180, overflow: "truncate", interval: 0 }
      },
      series: [{ type: "bar", data: data.values, barMaxWidth: 22 }]
    };
  }

  function pie(data) {
    return {
      tooltip: tooltip("item", "{b}：{c}（{d}%）"),
      legend: { top: 0 },
      series: [{
        type: "pie",
        top: 24,
        radius: ["38%", "68%"],
        label: { formatter: "{b} {d}%" },
        data: data.labels.map(function (label, i) {
          return {
            name: label,
            value: data.values[i],
            itemStyle: { color: (data.colours || [])[i] }
          };
        })
      }]
    };
  }

  var builders = { stacked: stacked, bar: bar, hbar: hbar, pie: pie };

  function follow(data, index) {
    var url = sameSite((data.links || [])[index]);
    if (url) {
      window.location.assign(url);
    }
  }

  function linkColumns(chart, data) {
    // A click anywhere in a stacked column, not only on its segments, opens its items.
    chart.getZr().on("click", function (event) {
      var point = [event.offsetX, event.offsetY];
      if (chart.containPixel("grid", point)) {
        follow(data, chart.convertFromPixel({ seriesIndex: 0 }, point)[0]);
      }
    });
  }

  function draw(el) {
    var data = readData(el);
    var build = data && builders[data.kind];
    if (!build || typeof window.echarts === "undefined") {
      return;
    }
    el.hidden = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var option = build(data);
    var linked = hasLinks(data);
    option.series.forEach(function (s) { s.cursor = linked ? "pointer" : "default"; });
    option.aria = { enabled: true };
    chart.setOption(option);
    if (linked && data.kind === "stacked") {
      linkColumns(chart, data);
    } else if (linked) {
      chart.on("click", function (params) { follow(data, params.dataIndex); });
    }
    drawn.push(chart);
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
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
