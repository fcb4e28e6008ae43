// Copy button of the CLV referral block. Progressive enhancement only: the link is in the HTML and can be
// selected without this script; the button keeps its place but stays invisible until marked ready here, so
// showing it moves nothing. Loaded with defer by Shopify (the block schema's "javascript").
/* global document, window, navigator, Element, setTimeout */
(function () {
  "use strict";

  function canCopy() {
    return Boolean(
      (navigator.clipboard && window.isSecureContext) || (document.queryCommandSupported && document.queryCommandSupported("copy")),
    );
  }

  function markReady(root) {
    if (!canCopy()) return;
    var buttons = root.querySelectorAll("[data-clv-copy]");
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("data-ready", "");
  }

  // Selects the link's text, so that a failed copy still leaves it ready for Ctrl+C.
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(element) {
    var text = element.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    select(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-clv-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-clv-copy"));
    if (!source) return;
    var label = button.getAttribute("data-clv-label") || button.textContent;
    button.setAttribute("data-clv-label", label);
    copy(source).then(
      function () {
        button.textContent = button.getAttribute("data-clv-copied") || label;
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      },
      function () {
        select(source);
      },
    );
  });

  markReady(document);
  // The theme editor re-renders sections without reloading the page.
  document.addEventListener("shopify:section:load", function (event) {
    if (event.target instanceof Element) markReady(event.target);
  });
})();
