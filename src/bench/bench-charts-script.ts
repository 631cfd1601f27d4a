/**
 * The browser side of the bench page: reads the embedded data (a JSON script element, never
 * executed) and draws one uPlot chart per spec against the offered rate, with the knee (the
 * capacity found) as a labelled vertical line. Plain ES2017 in a string: it runs in the page, not
 * in Node. The charts are exposed as window.mtlsChaosBenchCharts for the browser tests.
 */
export const BENCH_CHARTS_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('bench-data').textContent);
  var charts = [];
  var KNEE = '#1565c0';

  // Over the series: the knee line and its label, when a capacity was found.
  function drawKnee(u) {
    if (data.knee === null) return;
    var ctx = u.ctx;
    var ratio = window.devicePixelRatio || 1;
    var x = Math.round(u.valToPos(data.knee.rate, 'x', true));
    ctx.save();
    ctx.strokeStyle = KNEE;
    ctx.lineWidth = 2 * ratio;
    ctx.setLineDash([6 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = 'bold ' + Math.round(11 * ratio) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    var text = data.knee.label;
    var width = ctx.measureText(text).width + 8 * ratio;
    // Left of the line when the label would run off the plot.
    var left = x + 4 * ratio + width > u.bbox.left + u.bbox.width ? x - 4 * ratio - width : x + 4 * ratio;
    var y = u.bbox.top + 4 * ratio;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.fillRect(left, y - 1 * ratio, width, 15 * ratio);
    ctx.fillStyle = KNEE;
    ctx.fillText(text, left + 4 * ratio, y);
    ctx.restore();
  }

  function zeroBased(max) {
    return function (u, dataMin, dataMax) {
      if (max !== undefined) return [0, max];
      return [0, dataMax > 0 ? dataMax * 1.1 : 1];
    };
  }

  function xRange() {
    var top = data.rates.length > 0 ? data.rates[data.rates.length - 1] : 1;
    if (data.knee !== null) top = Math.max(top, data.knee.rate);
    return [0, top * 1.05];
  }

  function options(spec, width) {
    return {
      width: width,
      height: 280,
      scales: { x: { time: false, range: xRange() }, y: { range: zeroBased(spec.yMax) } },
      axes: [
        { label: 'offered rate (attempts/s)', stroke: '#444', grid: { stroke: '#eee' } },
        { label: spec.yLabel, stroke: '#444', grid: { stroke: '#eee' }, size: 60 },
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      series: [{ label: 'offered /s' }].concat(spec.series.map(function (series) {
        return { label: series.label, stroke: series.color, width: 1.75, spanGaps: true, points: { show: true, size: 6 } };
      })),
      hooks: { draw: [drawKnee] },
    };
  }

  data.charts.forEach(function (spec) {
    var element = document.getElementById('chart-' + spec.id);
    var width = Math.max(320, element.clientWidth || 900);
    var series = [data.rates].concat(spec.series.map(function (s) { return s.values; }));
    charts.push({ id: spec.id, plot: new uPlot(options(spec, width), series, element) });
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
  window.mtlsChaosBenchCharts = charts;
})();
`;
