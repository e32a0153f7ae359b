// Draws each plotly chart whose figure is embedded as JSON next to its container.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var source = document.getElementById(el.dataset.chart);
  if (!source || !window.Plotly) return;
  var figure = JSON.parse(source.textContent);
  window.Plotly.newPlot(el, figure.data, figure.layout, {responsive: true, displaylogo: false});
});
