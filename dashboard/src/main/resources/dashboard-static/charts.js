// Draws every .plot[data-chart] with uPlot. The page already prints the same numbers in a table
// (and the latest value of each line beside the chart), so a failure here loses nothing but the picture.
(function () {
  "use strict";
  // dark enough for 4.5:1 on white, and told apart by dash pattern as well as colour
  var COLOURS = ["#1a56c4", "#a50e0e", "#0d652d", "#7a4a00", "#6a1b9a", "#00695c"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

  function overlay(spec) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.textAlign = "left"; // uPlot leaves the axes' alignment set
          ctx.textBaseline = "alphabetic";
          ctx.font = Math.round(12 * devicePixelRatio) + "px system-ui, sans-serif";
          if (spec.limit) {
            var y = u.valToPos(spec.limit.value, "y", true);
            ctx.strokeStyle = "#a50e0e"; ctx.setLineDash([8, 4]); ctx.lineWidth = 2 * devicePixelRatio;
            ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
            ctx.fillStyle = "#a50e0e"; ctx.fillText(spec.limit.label, u.bbox.left + 6, y - 4);
          }
          (spec.markers || []).forEach(function (m, i) {
            var x = u.valToPos(m.time, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.strokeStyle = "#3c4043"; ctx.setLineDash([3, 3]); ctx.lineWidth = devicePixelRatio;
            ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
            ctx.fillStyle = "#1a1a1a";
            // near the right edge the label goes on the line's left, so it is never cut off
            var w = ctx.measureText(m.label).width;
            var right = x + 4 + w > u.bbox.left + u.bbox.width;
            ctx.textAlign = right ? "right" : "left";
            // labels of steps close together sit on different rows, so they never overprint
            ctx.fillText(m.label, right ? x - 4 : x + 4, u.bbox.top + 14 * devicePixelRatio * (1 + i % 3));
          });
          ctx.restore();
        }]
      }
    };
  }

  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var data = [spec.times].concat(spec.lines.map(function (l) { return l.values; }));
    var series = [{ label: "time (UTC)" }].concat(spec.lines.map(function (l, i) {
      return {
        label: l.label, stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: 2, spanGaps: false,
        // the legend shows the table's cell: a rate with its counts, "4.00% (2 of 50)"
        value: function (u, v, si, idx) { return idx == null || l.cells[idx] === "" ? "—" : l.cells[idx]; }
      };
    }));
    var yMax = spec.limit ? spec.limit.value : 0;
    var opts = {
      width: Math.max(320, el.clientWidth || 800), height: 260, series: series, plugins: [overlay(spec)],
      scales: { x: { time: true, range: function () { return [spec.from, spec.to]; } }, y: { range: function (u, min, max) { return [0, Math.max(max || 0, yMax) * 1.15 || 1]; } } },
      axes: [{ stroke: "#1a1a1a" }, { stroke: "#1a1a1a", label: spec.unit, size: 70 }],
      legend: { live: true },
      // the tables say UTC, so the axis does too
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); }
    };
    el.textContent = "";
    new uPlot(opts, data, el);
    el.setAttribute("data-drawn", "true");
  }

  function drawAll() {
    if (typeof uPlot === "undefined") return;
    document.querySelectorAll(".plot[data-chart]").forEach(function (el) {
      try { draw(el); } catch (e) { el.textContent = "The chart could not be drawn (" + e.message + "); the table below has its numbers."; }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll); else drawAll();
})();
