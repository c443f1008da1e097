// Accessible names for markup the theme and the widget manager generate without them:
// images drawn by widgets, sliders, the search and colour-mode buttons, hidden cells' toggles,
// scrollable outputs. Widgets render
// after the page has loaded, so the fixes are re-applied as the page changes.
// tests/test_book.py checks every page with axe-core.
(function () {
  "use strict";

  // On the Korean pages, the names the theme's templates and the toggle script hard-code in English.
  var KOREAN = {
    "Main": "주 메뉴",
    "Page": "페이지",
    "Toggle hidden content": "숨긴 내용 보이기/숨기기",
    "slider": "슬라이더",
    "figure drawn by the interactive control above": "위 컨트롤이 그린 그림",
    "figure produced by the code above": "위 코드가 만든 그림"
  };
  var korean = document.documentElement.lang === "ko";
  function words(english) { return (korean && KOREAN[english]) || english; }

  function labelOf(slider) {
    var box = slider.closest(".widget-slider, .widget-inline-hbox, .jupyter-widgets");
    var text = box && box.querySelector(".widget-label");
    return (text && text.textContent.trim()) || words("slider");
  }

  function fix() {
    document.querySelectorAll("img:not([alt])").forEach(function (img) {
      var drawnByWidget = img.closest(".jupyter-widgets, .widget-output");
      img.setAttribute("alt", words(drawnByWidget ? "figure drawn by the interactive control above"
                                                  : "figure produced by the code above"));
    });
    document.querySelectorAll("[role=slider]:not([aria-label])").forEach(function (slider) {
      slider.setAttribute("aria-label", labelOf(slider));
    });
    document.querySelectorAll(".search-button-field").forEach(function (button) {
      var visible = button.textContent.replace(/\s+/g, " ").trim();
      if (visible && button.getAttribute("aria-label") !== visible) {
        button.setAttribute("aria-label", visible);
      }
    });
    // The colour-mode button's icons carry titles ("Light", "Dark") that are not its name.
    document.querySelectorAll(".theme-switch-button svg, .theme-switch-button i").forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.removeAttribute("title");
      icon.querySelectorAll("title").forEach(function (title) { title.remove(); });
    });
    // The "show code cell" toggles of hidden cells: a fixed label that differs from the visible text.
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (summary) {
      summary.removeAttribute("aria-label");  // the name is then the visible "Show code cell ..." text
    });
    if (korean) {
      document.querySelectorAll("[aria-label]").forEach(function (element) {
        var name = element.getAttribute("aria-label");
        if (KOREAN[name]) element.setAttribute("aria-label", KOREAN[name]);
      });
    }
    document.querySelectorAll("pre:not([tabindex])").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth || pre.scrollHeight > pre.clientHeight) {
        pre.setAttribute("tabindex", "0");  // a scrollable output must be reachable by keyboard
      }
    });
  }

  function start() {
    fix();
    var pending = false;
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () { pending = false; fix(); });
      }
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
