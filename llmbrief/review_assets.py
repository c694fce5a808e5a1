"""The review page's inline style sheet and script (no network, no external file).

Takes nothing; gives two strings that :mod:`llmbrief.review` puts inside the page.
The script only reads the page's own elements and writes class names and text
nodes (never HTML), so article text cannot turn into markup through it.
"""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
:root { --deployment: #cfe3ff; --equipment_transfer: #ffe0b8; --casualties: #ffd0d0;
  --diplomatic_visit: #d2f2d2; --deployment-d: #1f5fbf; --equipment_transfer-d: #b35f00;
  --casualties-d: #b81e1e; --diplomatic_visit-d: #1d7a1d; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1b1b;
  background: #fafafa; }
header, main > section { max-width: 1280px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 12px; }
h1 { font-size: 1.4em; margin: .4em 0; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 2px; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1em 0 .3em; }
.legend span, .tag { display: inline-block; padding: 0 6px; border-radius: 3px; margin-right: 4px;
  font-size: .85em; }
.k-deployment { --c: var(--deployment); --d: var(--deployment-d); }
.k-equipment_transfer { --c: var(--equipment_transfer); --d: var(--equipment_transfer-d); }
.k-casualties { --c: var(--casualties); --d: var(--casualties-d); }
.k-diplomatic_visit { --c: var(--diplomatic_visit); --d: var(--diplomatic_visit-d); }
.legend .k, .tag.k { background: var(--c); border: 1px solid var(--d); }
.notice { background: #fff4d6; border: 1px solid #e0b84a; padding: 6px 10px; border-radius: 4px; }
.notice.bad { background: #ffe3e3; border-color: #d05a5a; }
.article { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
pre.text { white-space: pre-wrap; word-wrap: break-word; font: inherit; background: #fff;
  border: 1px solid #ddd; padding: 12px; margin: 0; }
.h { background: var(--c); border-radius: 2px; cursor: pointer; }
.h.fig { font-weight: 600; box-shadow: inset 0 -2px 0 var(--d); }
.h.attr { text-decoration: underline dotted var(--d); text-underline-offset: 3px; }
.h.cite { background: #fff3b0; }
.h.unv { background: repeating-linear-gradient(45deg, var(--c), var(--c) 4px, #fff 4px, #fff 7px); }
.h.sel, .card.sel { outline: 2px solid #222; }
ol.cards { list-style: none; padding: 0; margin: 0; }
.card { background: #fff; border: 1px solid #ddd; border-left: 5px solid var(--d);
  padding: 6px 8px; margin-bottom: 8px; font-size: .9em; }
.card.unverified { border-style: dashed; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 8px; margin: 4px 0; }
.card dt { color: #555; }
.card dd { margin: 0; }
.card blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #ccc; color: #333; }
.ok { color: #1d7a1d; } .no { color: #b81e1e; }
.problems li { color: #8a1010; }
#tip { position: fixed; z-index: 10; max-width: 420px; pointer-events: none; background: #fff;
  border: 1px solid #888; box-shadow: 0 2px 8px rgba(0,0,0,.2); padding: 6px 8px;
  font-size: .85em; }
.facts li { margin-bottom: 4px; }
a.ref { font-size: .8em; vertical-align: super; margin-left: 2px; }
.missing { color: #8a1010; }
#js-errors { color: #8a1010; }
@media (max-width: 800px) { .article { grid-template-columns: 1fr; } }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var errors = document.getElementById("js-errors");
  window.addEventListener("error", function (e) {
    errors.hidden = false;
    errors.appendChild(document.createTextNode((e.message || "script error") + "\n"));
  });
  var runs = document.querySelectorAll(".h[data-s]");
  var cards = document.querySelectorAll(".card[data-s]");
  var runsBySpan = {}, cardsBySpan = {};
  function index(list, into) {
    list.forEach(function (el) {
      el.getAttribute("data-s").split(" ").forEach(function (s) {
        (into[s] = into[s] || []).push(el);
      });
    });
  }
  index(runs, runsBySpan);
  index(cards, cardsBySpan);
  function spansOf(el) { return el.getAttribute("data-s").split(" "); }
  function cardsFor(spans) {
    var out = [];
    spans.forEach(function (s) {
      (cardsBySpan[s] || []).forEach(function (c) { if (out.indexOf(c) < 0) { out.push(c); } });
    });
    return out;
  }
  function select(list) {
    document.querySelectorAll(".sel").forEach(function (el) { el.classList.remove("sel"); });
    var spans = [];
    list.forEach(function (c) {
      c.classList.add("sel");
      spans = spans.concat(spansOf(c));
    });
    spans.forEach(function (s) {
      (runsBySpan[s] || []).forEach(function (r) { r.classList.add("sel"); });
    });
  }
  var tip = document.getElementById("tip");
  runs.forEach(function (run) {
    run.addEventListener("mouseenter", function (e) {
      var summaries = cardsFor(spansOf(run)).map(function (c) {
        return c.querySelector(".summary").cloneNode(true);
      });
      tip.replaceChildren.apply(tip, summaries);
      tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 440) + "px";
      tip.style.top = (e.clientY + 16) + "px";
      tip.hidden = false;
    });
    run.addEventListener("mouseleave", function () { tip.hidden = true; });
    run.addEventListener("click", function () {
      var found = cardsFor(spansOf(run));
      select(found);
      if (found.length) { found[0].scrollIntoView({block: "nearest"}); }
    });
  });
  cards.forEach(function (card) {
    card.addEventListener("click", function (e) {
      if (e.target.closest("a")) { return; }
      select([card]);
      var first = runsBySpan[spansOf(card)[0]];
      if (first) { first[0].scrollIntoView({block: "center"}); }
    });
  });
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.hasAttribute("data-s")) {
      select(target.classList.contains("card") ? [target] : cardsFor(spansOf(target)));
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.documentElement.setAttribute("data-ready", String(runs.length));
})();
"""
