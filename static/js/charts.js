// Draws each plotly chart whose figure is embedded as JSON next to its container.
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var source = document.getElementById(el.dataset.chart);
  if (!source || !window.Plotly) return;
  var figure = JSON.parse(source.textContent);
  // Set here, not in a style attribute, which the Content-Security-Policy would refuse.
  if (figure.layout && figure.layout.height) el.style.height = figure.layout.height + "px";
  // No mode bar: its buttons would sit inside role="img"; the table beside each chart has the figures.
  window.Plotly.newPlot(el, figure.data, figure.layout, {responsive: true, displayModeBar: false});
});
