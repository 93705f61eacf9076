/* Copy buttons for read-only links (credential sharing). An enhancement only: without
   JavaScript the button stays hidden and the link can be selected and copied by hand. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return; /* no Clipboard API (e.g. plain http on another host): keep the plain field */
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".share__link") &&
      button.closest(".share__link").querySelector("[data-copy-status]");
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(
        function () { if (status) { status.textContent = "Link copied."; } },
        function () {
          input.select();
          if (status) { status.textContent = "Couldn't copy: the link is selected, copy it by hand."; }
        }
      );
    });
  });
})();
