// Behaviour shared by every page. The Content-Security-Policy allows no inline script, so
// templates declare behaviour with data- attributes and this file attaches it by delegation.
(function () {
  "use strict";

  // htmx without eval (no 'unsafe-eval' in the policy) and without its injected <style>
  // (the indicator rules live in css/app.css).
  if (window.htmx) {
    htmx.config.allowEval = false;
    htmx.config.includeIndicatorStyles = false;
  }

  // <form data-confirm="..."> or <button data-confirm="...">: ask before submitting.
  // <form data-action-from="meeting">: post to the URL chosen in that <select>.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const message = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    const source = form.dataset.actionFrom;
    if (source && form.elements[source]) {
      form.action = form.elements[source].value;
    }
  });

  // Tabs: open the tab named in the URL hash (e.g. after an upload) and keep the hash current.
  document.addEventListener("DOMContentLoaded", function () {
    const hash = window.location.hash;
    if (hash && window.bootstrap) {
      const button = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + CSS.escape(hash) + '"]');
      if (button) bootstrap.Tab.getOrCreateInstance(button).show();
    }
  });
  document.addEventListener("shown.bs.tab", function (event) {
    const target = event.target.dataset.bsTarget;
    if (target) history.replaceState(null, "", target);
  });
})();
