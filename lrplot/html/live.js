// lrplot serve: ask the server ten times a second whether the figure changed, and redraw when it
// did; a config that does not validate shows its problems instead of the last figure.
(function () {
  "use strict";
  var root = document.getElementById("lrplot");
  var version = null, busy = false;

  function box(cls, id, lines) {
    var e = document.createElement("div");
    e.className = cls;
    e.setAttribute("id", id);
    e.textContent = lines.join("\n");
    return e;
  }

  function show(state) {
    if (state.figure) window.lrplot.render(state.figure, root);
    else window.lrplot.clear(root);
    if (state.warnings && state.warnings.length)
      root.insertBefore(box("lr-problems lr-warnings", "lrplot-warnings", state.warnings), root.firstChild);
    if (state.problems) window.lrplot.problems(state.problems, root);
    var status = document.createElement("div");
    status.className = "lr-status";
    status.setAttribute("id", "lrplot-status");
    status.setAttribute("data-version", String(state.version));
    status.textContent = state.config + ": version " + state.version + " (" +
      (state.problems ? "not drawn" : "computed in " + Math.round(state.seconds * 1000) + " ms") +
      "); redraws when the file is saved";
    root.appendChild(status);
    document.title = (state.problems ? "\u26a0 " : "") + "lrplot serve: " + state.config;
  }

  function json(path) {
    return fetch(path, { cache: "no-store" }).then(function (r) { return r.json(); });
  }

  // Ask for the version (a few bytes) often, for the state (the figure's data) when it moved.
  function poll() {
    if (busy) return;
    busy = true;
    json("/version").then(function (v) {
      if (v.version === version) return null;
      return json("/state").then(function (state) { version = state.version; show(state); });
    })
      .catch(function () { /* the server stopped: keep the last state */ })
      .then(function () { busy = false; });
  }

  var first = JSON.parse(document.getElementById("lrplot-data").textContent);
  version = first.version;
  show(first);
  setInterval(poll, 100);
})();
