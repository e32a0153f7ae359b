// Draws each plotly chart whose figure is embedded as JSON next to its container. Plotly (about
// 1 MB) is fetched once the page has loaded, so the page, and the table of figures beside each
// chart, do not wait for it on a first visit; browsers keep it for a year after that.
(function () {
  var charts = document.querySelectorAll("[data-chart]");
  var plotly = document.currentScript && document.currentScript.dataset.plotly;
  if (!charts.length || !plotly) return;

  function draw() {
    charts.forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || !window.Plotly) return;
      var figure = JSON.parse(source.textContent);
      // Set here, not in a style attribute, which the Content-Security-Policy would refuse.
      if (figure.layout && figure.layout.height) el.style.height = figure.layout.height + "px";
      // No mode bar: its buttons would sit inside role="img"; the table beside each chart has the figures.
      window.Plotly.newPlot(el, figure.data, figure.layout, {responsive: true, displayModeBar: false});
    });
  }

  function fetchPlotly() {
    var script = document.createElement("script");
    script.src = plotly;
    script.onload = draw;
    document.head.appendChild(script);
  }

  if (document.readyState === "complete") fetchPlotly();
  else window.addEventListener("load", fetchPlotly);
})();
