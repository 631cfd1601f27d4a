/**
 * The browser side of report.html: reads the embedded chart data (a JSON script element, never
 * executed) and draws one uPlot chart per spec, with every fault window shaded under the lines
 * and labelled above them, and every alert firing (observe.prometheus) as a strip along the
 * bottom. Plain ES2017 in a string: it runs in the report, not in Node.
 * The charts are exposed as window.mtlsChaosCharts for the browser tests.
 */
export const REPORT_CHARTS_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  var BAND_FILL = 'rgba(211, 47, 47, 0.12)';
  var BAND_EDGE = 'rgba(198, 40, 40, 0.75)';
  var ALERT_FILL = 'rgba(245, 124, 0, 0.55)';
  var ALERT_TEXT = '#5d2e00';

  // Alert strips sit along the bottom of the plot, one row per alert (alert 1 lowest), each
  // tall enough to hold its number, so the fault bands above keep their labels.
  function alertStrip(u, alert) {
    var ratio = window.devicePixelRatio || 1;
    var height = 12 * ratio;
    var px = bandPixels(u, alert);
    return { x0: px.x0, x1: px.x1, y: u.bbox.top + u.bbox.height - (alert.row + 1) * (height + 2 * ratio), height: height };
  }

  function drawAlerts(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = ALERT_FILL;
    data.alerts.forEach(function (alert) {
      var strip = alertStrip(u, alert);
      ctx.fillRect(strip.x0, strip.y, strip.x1 - strip.x0, strip.height);
    });
    ctx.restore();
  }

  function drawAlertLabels(u) {
    var ctx = u.ctx;
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = 'bold ' + Math.round(9 * ratio) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = ALERT_TEXT;
    data.alerts.forEach(function (alert) {
      var strip = alertStrip(u, alert);
      ctx.fillText('alert ' + (alert.row + 1), strip.x0 + 3 * ratio, strip.y + strip.height / 2);
    });
    ctx.restore();
  }

  function bandPixels(u, fault) {
    var left = u.bbox.left;
    var right = u.bbox.left + u.bbox.width;
    var x0 = Math.max(left, Math.min(right, u.valToPos(fault.startS, 'x', true)));
    var x1 = Math.max(left, Math.min(right, u.valToPos(fault.endS, 'x', true)));
    return { x0: x0, x1: Math.max(x1, x0 + 2) };
  }

  // Under the series: the shaded windows and their edges.
  function drawBands(u) {
    var ctx = u.ctx;
    ctx.save();
    data.faults.forEach(function (fault) {
      var px = bandPixels(u, fault);
      ctx.fillStyle = BAND_FILL;
      ctx.fillRect(px.x0, u.bbox.top, px.x1 - px.x0, u.bbox.height);
      ctx.strokeStyle = BAND_EDGE;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(px.x0, u.bbox.top);
      ctx.lineTo(px.x0, u.bbox.top + u.bbox.height);
      if (!fault.open) {
        ctx.moveTo(px.x1, u.bbox.top);
        ctx.lineTo(px.x1, u.bbox.top + u.bbox.height);
      }
      ctx.stroke();
    });
    ctx.restore();
  }

  // Over the series: a numbered label per window, explained in the legend under the chart.
  function drawLabels(u) {
    var ctx = u.ctx;
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = 'bold ' + Math.round(11 * ratio) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    data.faults.forEach(function (fault, index) {
      var px = bandPixels(u, fault);
      var text = 'fault ' + (index + 1);
      var width = ctx.measureText(text).width + 8 * ratio;
      var y = u.bbox.top + 4 * ratio + (index % 3) * 16 * ratio;
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(px.x0 + 2 * ratio, y - 1 * ratio, width, 14 * ratio);
      ctx.fillStyle = '#b71c1c';
      ctx.fillText(text, px.x0 + 6 * ratio, y);
    });
    ctx.restore();
  }

  function zeroBased(max) {
    return function (u, dataMin, dataMax) {
      if (max !== undefined) return [0, max];
      var top = dataMax > 0 ? dataMax * 1.1 : 1;
      return [0, top];
    };
  }

  function options(spec, width) {
    var scales = { x: { time: false, range: [0, data.endS] }, y: { range: zeroBased(spec.yMax === undefined ? undefined : spec.yMax + 5) } };
    var axes = [
      { label: 'seconds since the load started', stroke: '#444', grid: { stroke: '#eee' } },
      { label: spec.yLabel, stroke: '#444', grid: { stroke: '#eee' }, size: 60 },
    ];
    if (spec.y2Label) {
      scales.y2 = { range: zeroBased(undefined) };
      axes.push({ label: spec.y2Label, scale: 'y2', side: 1, stroke: '#444', grid: { show: false }, size: 60 });
    }
    return {
      width: width,
      height: 280,
      scales: scales,
      axes: axes,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      series: [{ label: 'second' }].concat(spec.series.map(function (series) {
        return {
          label: series.label,
          stroke: series.color,
          width: 1.75,
          dash: series.dash ? [6, 4] : undefined,
          scale: series.scale,
          spanGaps: false,
          points: { show: false },
        };
      })),
      hooks: { drawAxes: [drawBands, drawAlerts], draw: [drawLabels, drawAlertLabels] },
    };
  }

  data.charts.forEach(function (spec) {
    var element = document.getElementById('chart-' + spec.id);
    var width = Math.max(320, element.clientWidth || 900);
    var series = [data.seconds].concat(spec.series.map(function (s) { return s.values; }));
    var plot = new uPlot(options(spec, width), series, element);
    charts.push({ id: spec.id, plot: plot });
  });

  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (chart) {
        var element = document.getElementById('chart-' + chart.id);
        chart.plot.setSize({ width: Math.max(320, element.clientWidth), height: 280 });
      });
    }, 100);
  });
  window.mtlsChaosCharts = charts;
})();
`;
