/* Draws a report's charts with ECharts. Each element with data-report-chart names a
   <script type="application/json"> block holding {title, kind, labels, values};
   the report's tables carry the same numbers, so it reads fine without this script.
   A map ("map") also names its regions' codes and either the site's boundaries
   (geo: /maps/…) or carries them (geoJSON, in the download); a word cloud ("cloud")
   needs echarts-wordcloud. Used by the web view and carried inline in the stand-alone
   HTML download. */
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

  function titleOf(data) {
    return { text: data.title, left: "center", textStyle: { fontSize: 13 } };
  }

  function mapOption(data) {
    var max = 1;
    var own = data.own || [];
    var rows = data.labels.map(function (name, i) {
      max = Math.max(max, data.values[i]);
      var row = { name: name, value: data.values[i] };
      if (own[i]) {
        row.itemStyle = { borderColor: "#c0392b", borderWidth: 2 };
      }
      return row;
    });
    return {
      title: titleOf(data),
      tooltip: { trigger: "item", renderMode: "richText" },
      visualMap: { min: 0, max: max, left: 8, bottom: 8, text: ["多", "少"],
                   inRange: { color: ["#eef3fa", "#3b6fb6"] } },
      series: [{ type: "map", map: "report-" + data.map, roam: false, top: 40, data: rows,
                 label: { show: rows.length < 25, fontSize: 10 } }]
    };
  }

  function cloudOption(data) {
    return {
      title: titleOf(data),
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{
        type: "wordCloud", shape: "circle", top: 36, sizeRange: [12, 44],
        rotationRange: [0, 0], gridSize: 6, drawOutOfBound: false, layoutAnimation: false,
        data: data.labels.map(function (term, i) { return { name: term, value: data.values[i] }; })
      }]
    };
  }

  function option(data) {
    var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
    // richText tooltips: ECharts' HTML tooltips carry style attributes the CSP refuses.
    var tooltip = { trigger: "axis", renderMode: "richText" };
    var title = titleOf(data);
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

  function mount(el, opt) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(opt);
    drawn.push(chart);
  }

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function drawMap(el, data) {
    if (data.geoJSON) {
      window.echarts.registerMap("report-" + data.map, data.geoJSON);
      mount(el, mapOption(data));
    } else if (sameSite(data.geo)) {
      fetch(data.geo, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (geo) {
          window.echarts.registerMap("report-" + data.map, geo);
          mount(el, mapOption(data));
        })
        .catch(function () { el.hidden = true; });  // the table beside it stands alone
    } else {
      el.hidden = true;
    }
  }

  function draw(el) {
    var data = readData(el);
    if (!data || typeof window.echarts === "undefined") {
      return;
    }
    if (data.kind === "map") {
      drawMap(el, data);
    } else if (data.kind === "cloud") {
      mount(el, cloudOption(data));
    } else {
      mount(el, option(data));
    }
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
