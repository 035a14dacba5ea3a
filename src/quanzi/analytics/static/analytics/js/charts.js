/* The analytics pages' trend chart: uPlot (vendored, MIT) over the figures the server rendered into the
 * page (a json_script block), in the design system's colours (read from the CSS custom properties, so a
 * theme change needs no edit here). GMV in yuan on the left axis, paid orders on the right. */
(function () {
  "use strict";

  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source || !window.uPlot) return;
    var data = JSON.parse(source.textContent);
    var xs = data.days.map(function (d) { return Date.parse(d + "T00:00:00+08:00") / 1000; });
    var yuan = data.gmv.map(function (fen) { return fen / 100; });
    var brand = token("--red", "currentColor"), info = token("--info", "currentColor");
    var grid = {stroke: token("--line", "currentColor"), width: 1};
    var axisText = token("--text-2", "currentColor");
    var options = {
      width: box.clientWidth || 320, height: 220,
      scales: {x: {time: true}, gmv: {auto: true}, orders: {auto: true}},
      series: [
        {},
        {label: data.labels.gmv, scale: "gmv", stroke: brand, width: 2, fill: token("--red-tint", "transparent"),
         value: function (u, v) { return v == null ? "–" : "¥" + v.toFixed(2); }},
        {label: data.labels.orders, scale: "orders", stroke: info, width: 2}
      ],
      axes: [
        {stroke: axisText, grid: grid, ticks: grid},
        {scale: "gmv", stroke: axisText, grid: grid, ticks: grid, size: 56},
        {scale: "orders", side: 1, stroke: axisText, grid: {show: false}, ticks: grid, size: 40}
      ],
      legend: {live: true}
    };
    var chart = new uPlot(options, [xs, yuan, data.orders], box);
    var resize = function () { chart.setSize({width: box.clientWidth || 320, height: 220}); };
    window.addEventListener("resize", resize);
  }

  function start() {
    var boxes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
