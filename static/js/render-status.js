// Shows a committee report's PDF renders progressing without reloading the page (no meta refresh,
// WCAG 2.2.1): while one is queued or running, asks the status URL every few seconds, updates each
// render's state in the list and says what changed in a polite live region. Without JavaScript,
// the page's "Refresh" link does the same by hand.
(function () {
  var box = document.getElementById("render-status");
  if (!box || box.dataset.waiting !== "true" || !window.fetch) return;
  var announcer = document.getElementById("render-announcer");
  var list = document.getElementById("render-list");
  var every = 4000, longest = 30000, started = Date.now(), seen = {};

  list.querySelectorAll("[data-render] .render-state").forEach(function (state) {
    seen[state.parentNode.dataset.render] = state.textContent;
  });

  function say(text) {
    announcer.textContent = text;
  }

  function show(render) {
    var item = list.querySelector('[data-render="' + render.id + '"]');
    if (!item || seen[render.id] === render.label) return;
    seen[render.id] = render.label;
    item.querySelector(".render-state").textContent = render.label;
    if (render.download) {
      var link = document.createElement("a");
      link.href = render.download;
      link.textContent = "download the draft";
      item.append(" – ", link);
      say("The draft PDF is ready to download.");
    } else if (render.status === "failed") {
      item.append(" – " + render.error);
      say("The PDF could not be made: " + render.error);
    } else if (render.status === "done" && render.issue) {
      say("The report has been issued. Refresh the page to see it in the list of issued versions.");
    } else {
      say("PDF: " + render.label + ".");
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        status.renders.forEach(show);
        if (status.waiting) {
          // Slow down gently for long renders; an hour is long enough to keep asking.
          every = Math.min(every * 1.2, longest);
          if (Date.now() - started < 3600000) window.setTimeout(poll, every);
        } else {
          var waiting = document.getElementById("render-waiting");
          if (waiting) waiting.hidden = true;
        }
      })
      .catch(function () {
        window.setTimeout(poll, longest);
      });
  }

  window.setTimeout(poll, every);
})();
