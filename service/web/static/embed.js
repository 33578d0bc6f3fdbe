/* DakMatch partner widget.
 * <script src="https://HOST/embed.js" data-key="WIDGET_KEY"></script>  (data-key is optional)
 * The key is a widget key (dakmatch keys create --role widget), never a partner key: anyone
 * can read it in the page, and a widget key only ranks, only from the tenant's own origins.
 * Renders a compact profile form and its results in a Shadow DOM (the partner's styles do not
 * reach in, ours do not leak out; the style sheet is a file, so pages with a Content Security
 * Policy need no inline styles) and calls POST /v1/recommendations on HOST with the key.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var key = script.getAttribute("data-key") || "";
  var limit = parseInt(script.getAttribute("data-limit") || "5", 10);
  if (!(limit >= 1 && limit <= 50)) { limit = 5; }  // the API's range (DESIGN §5)
  var base = new URL(script.src, document.baseURI).origin;

  // Filled in by the server from the gettext catalogues (service/web/widget.py).
  var ALL = /*DAKMATCH_TEXTS*/{};
  var asked = (script.getAttribute("data-lang") || document.documentElement.lang || "en").slice(0, 2);
  var lang = ALL[asked] ? asked : "en";  // the widget's language: its texts and the answer's
  var TEXT = ALL[lang];
  function t(msgid) { return (TEXT && TEXT.strings[msgid]) || msgid; }
  var SECTORS = TEXT ? TEXT.sectors : [];
  var NEEDS = TEXT ? TEXT.needs : [];

  var host = document.createElement("div");
  host.setAttribute("lang", lang);
  host.className = "dakmatch-widget";
  script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow({ mode: "open" });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var style = el("link", { rel: "stylesheet", href: base + "/static/embed.css" });
  var box = el("div", { "class": "box" });
  var form = el("form", { novalidate: "" });
  form.appendChild(el("h2", {}, t("Which India Post services fit your business?")));
  form.appendChild(el("label", { "for": "dm-pincode" }, t("PIN code")));
  var pin = el("input", { id: "dm-pincode", name: "pincode", type: "text", inputmode: "numeric",
    autocomplete: "postal-code", maxlength: "7", required: "" });
  form.appendChild(pin);
  form.appendChild(el("label", { "for": "dm-sector" }, t("What do you make or sell?")));
  var sector = el("select", { id: "dm-sector", name: "sector", required: "" });
  sector.appendChild(el("option", { value: "" }, t("Choose one")));
  SECTORS.forEach(function (s) { sector.appendChild(el("option", { value: s[0] }, s[1])); });
  form.appendChild(sector);
  var needs = el("fieldset");
  needs.appendChild(el("legend", {}, t("What do you need?")));
  NEEDS.forEach(function (n) {
    var label = el("label", { "class": "choice" });
    label.appendChild(el("input", { type: "checkbox", name: "needs", value: n[0] }));
    label.appendChild(document.createTextNode(n[1]));
    needs.appendChild(label);
  });
  form.appendChild(needs);
  form.appendChild(el("button", { type: "submit" }, t("Show services that fit")));
  var status = el("div", { role: "status", "aria-live": "polite" });
  box.appendChild(form);
  box.appendChild(status);
  box.appendChild(el("p", { "class": "small" }, t("Suggestions by DakMatch (India Post services).")));
  root.appendChild(style);
  root.appendChild(box);

  function show(nodes) {
    status.textContent = "";
    nodes.forEach(function (n) { status.appendChild(n); });
  }

  function problems(body) {
    var list = el("ul", { "class": "error" });
    (body.errors && body.errors.length ? body.errors : [{ field: "", message: body.detail || "Something went wrong" }])
      .forEach(function (e) { list.appendChild(el("li", {}, (e.field ? e.field + ": " : "") + e.message)); });
    return [el("p", { "class": "error" }, t("Please check your answers.")), list];
  }

  // Numbers the Indian way (1,50,000) in Latin digits, as the pages write them.
  var NUMBER = new Intl.NumberFormat(lang + "-IN", { numberingSystem: "latn", maximumFractionDigits: 0 });

  // The answer's questions (``ask``: at most three, already in the widget's language).
  function questions(body) {
    var asks = (body.ask || []).filter(function (a) { return a.why; }).slice(0, 3);
    if (!asks.length) { return []; }
    var section = el("section", { "class": "ask" });
    section.appendChild(el("h3", {}, t("Tell us more to get a better answer")));
    var list = el("ul");
    asks.forEach(function (a) { list.appendChild(el("li", { "data-field": a.field }, a.why)); });
    section.appendChild(list);
    return [section];
  }

  function results(body) {
    var recs = body.recommendations || [];
    if (!recs.length) { return [el("p", { "class": "fewer" }, t("No service fits these answers."))].concat(questions(body)); }
    var list = el("ol", { "class": "results" });
    recs.forEach(function (r) {
      var item = el("li");
      item.appendChild(el("strong", {}, r.name));
      item.appendChild(el("div", { "class": "meta" }, r.provider));
      (r.reasons || []).slice(0, 2).forEach(function (reason) { item.appendChild(el("div", {}, reason)); });
      if (r.location && r.location.name) {
        var where = r.location.name + (r.location.distance_km != null ? " (" + NUMBER.format(r.location.distance_km) + " km)" : "");
        item.appendChild(el("div", { "class": "meta" }, t("Where to go") + ": " + where));
      }
      list.appendChild(item);
    });
    var shown = [el("h2", {}, t("Services that fit"))];
    if (recs.length < limit) {  // limit is a maximum: the API lists only what fits
      shown.push(el("p", { "class": "fewer" }, t("Only these services fit what you told us; we do not fill the list with ones that do not.")));
    }
    return shown.concat(questions(body), [list]);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var profile = { pincode: pin.value.replace(/\s+/g, ""), sector: sector.value };
    var chosen = Array.prototype.slice.call(form.querySelectorAll("input[name=needs]:checked"))
      .map(function (c) { return c.value; });
    if (chosen.length) { profile.needs = chosen; }
    if (!profile.sector) { delete profile.sector; }
    show([el("p", {}, t("Looking for services…"))]);
    var headers = { "Content-Type": "application/json" };
    if (key) { headers["X-API-Key"] = key; }
    fetch(base + "/v1/recommendations?limit=" + limit + "&lang=" + lang, {
      method: "POST", headers: headers, body: JSON.stringify(profile), mode: "cors"
    }).then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    }).then(function (answer) {
      if (answer.ok) { show(results(answer.body)); return; }
      if (answer.status === 422) { show(problems(answer.body)); return; }
      throw new Error(answer.body.detail || "refused");  // e.g. a key not allowed on this page
    }).catch(function () {
      show([el("p", { "class": "error" }, t("DakMatch cannot be reached from this page. Please try again later."))]);
    });
  });
})();
