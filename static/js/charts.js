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
      var narrow = el.clientWidth < NARROW;
      if (el.dataset.drawn === (narrow ? "narrow" : "wide")) return;
      el.dataset.drawn = narrow ? "narrow" : "wide";
      // Set here, not in a style attribute, which the Content-Security-Policy would refuse.
      if (figure.layout && figure.layout.height) el.style.height = figure.layout.height + "px";
      if (figure.layout && narrow) fitNarrow(figure.layout);
      // No mode bar: its buttons would sit inside role="img"; the table beside each chart has the figures.
      window.Plotly.react(el, figure.data, figure.layout, {responsive: true, displayModeBar: false});
    });
  }

  // Plotly's own resizing keeps the layout it was given: a phone turned sideways (or a window
  // widened) past NARROW needs the other layout, so the charts are drawn again when that changes.
  var resizing;
  function redrawIfCrossed() {
    clearTimeout(resizing);
    resizing = setTimeout(draw, 150);
  }

  // On a phone the chart drops its title (the page's heading and the figure's caption name it,
  // and a long one was cut off), the legend goes above the plot in smaller type, the category
  // axis loses its title ("Period", "Year": its labels say it) and each axis makes room for its
  // labels.
  var NARROW = 480;
  function fitNarrow(layout) {
    var small = {size: 12};
    layout.title = {text: ""};
    layout.legend = Object.assign({}, layout.legend, {orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: small});
    layout.margin = Object.assign({}, layout.margin, {l: 10, r: 10, t: 10, b: 10});
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = layout[name];
      if (!axis) return;
      axis.automargin = true;
      axis.tickfont = small;
      if (axis.type === "category" && name === "xaxis") axis.title = {text: ""};
    });
  }

  function fetchPlotly() {
    var script = document.createElement("script");
    script.src = plotly;
    script.onload = function () {
      draw();
      window.addEventListener("resize", redrawIfCrossed);
    };
    document.head.appendChild(script);
  }

  if (document.readyState === "complete") fetchPlotly();
  else window.addEventListener("load", fetchPlotly);
})();
