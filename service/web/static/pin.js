/* Progressive enhancement of the profile form: shows the district and state of the PIN code as
 * it is typed (GET /pincode/{pin}); the form works the same without it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var input = document.getElementById("pincode");
  var out = document.getElementById("pin-place");
  if (!input || !out) { return; }
  var last = "";
  function look() {
    var pin = input.value.replace(/\s+/g, "");
    if (pin === last) { return; }
    last = pin;
    if (!/^[1-9][0-9]{5}$/.test(pin)) { out.textContent = ""; return; }
    fetch("/pincode/" + pin).then(function (r) { return r.json(); }).then(function (body) {
      if (pin !== last) { return; }
      out.textContent = body.error ? body.error : body.district + ", " + body.state;
      out.classList.toggle("unknown", Boolean(body.error));
    }).catch(function () { out.textContent = ""; });
  }
  input.addEventListener("input", look);
  if (!document.getElementById("err-pincode")) { look(); }  // the server's message is shown
})();
