// The pre-computed explorers (convnets/static_frames.py): each block holds a frame per
// combination of its controls' values; show the one for the values chosen. Loaded once per page.
(function () {
  function wire(block) {
    var controls = Array.prototype.slice.call(block.querySelectorAll("[data-control]"));
    var values = JSON.parse(block.getAttribute("data-values"));
    function show() {
      var key = controls.map(function (control, i) {
        var value = values[i][Number(control.value)];
        var shown = control.parentNode.querySelector('output[for="' + control.id + '"]');
        if (shown) { shown.textContent = value; control.setAttribute("aria-valuetext", value); }
        return value;
      }).join("|");
      block.querySelectorAll(".static-frame").forEach(function (frame) {
        frame.hidden = frame.getAttribute("data-key") !== key;
      });
    }
    controls.forEach(function (control) { control.addEventListener("input", show); });
    show();
  }
  function wireAll() { document.querySelectorAll(".static-explorer[data-values]").forEach(wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wireAll); } else { wireAll(); }
})();
