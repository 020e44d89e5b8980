/* kg graph view: the only ways this page writes to the DOM.
 *
 * Every string from the data is untrusted (titles, abstracts, names, URLs):
 * these helpers set it with textContent or as an attribute value, never as
 * markup, and only http(s) URLs become links (opened without referrer or
 * opener). Swatches and line samples are SVG built element by element.
 */
(function (root) {
  "use strict";
  var lib = root.kgLib || (root.kgLib = {});

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
    } catch (e) {
      return null;
    }
    return null;
  }

  function linkEl(url, text) {
    var href = safeUrl(url);
    if (!href) return el("span", text || url, "kg-url");
    var a = el("a", text || url, "kg-url");
    a.setAttribute("href", href);
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
    return a;
  }

  function swatch(shapeName, colour, px) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", String(px));
    svg.setAttribute("height", String(px));
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    var shape;
    var pts = {
      diamond: "10,1 19,10 10,19 1,10",
      triangle: "10,2 19,18 1,18",
      triangleDown: "1,2 19,2 10,18",
      star: "10,1 12.6,7.4 19.5,7.6 14,11.8 16,18.5 10,14.6 4,18.5 6,11.8 0.5,7.6 7.4,7.4",
      hexagon: "5,1.5 15,1.5 19.5,10 15,18.5 5,18.5 0.5,10"
    };
    if (shapeName === "square") {
      shape = document.createElementNS(ns, "rect");
      shape.setAttribute("x", "2");
      shape.setAttribute("y", "2");
      shape.setAttribute("width", "16");
      shape.setAttribute("height", "16");
    } else if (pts[shapeName]) {
      shape = document.createElementNS(ns, "polygon");
      shape.setAttribute("points", pts[shapeName]);
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "10");
      shape.setAttribute("cy", "10");
      shape.setAttribute("r", "8");
    }
    shape.setAttribute("fill", colour);
    svg.appendChild(shape);
    return svg;
  }

  function lineSample(rel) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "34");
    svg.setAttribute("height", "12");
    svg.setAttribute("viewBox", "0 0 34 12");
    svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "1");
    line.setAttribute("y1", "6");
    line.setAttribute("x2", rel.arrow ? "26" : "33");
    line.setAttribute("y2", "6");
    line.setAttribute("stroke", rel.color);
    line.setAttribute("stroke-width", String(Math.max(1.5, rel.width)));
    if (rel.dashes) line.setAttribute("stroke-dasharray", "4 3");
    svg.appendChild(line);
    if (rel.arrow) {
      var head = document.createElementNS(ns, "polygon");
      head.setAttribute("points", "25,1 33,6 25,11");
      head.setAttribute("fill", rel.color);
      svg.appendChild(head);
    }
    return svg;
  }

  function formatCount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function plural(n, word) {
    return formatCount(n) + " " + word + (n === 1 ? "" : "s");
  }

  function typeSwatch(t, px) { return swatch(t.shape, t.color, px); }

  lib.dom = {
    el: el,
    safeUrl: safeUrl,
    linkEl: linkEl,
    swatch: swatch,
    typeSwatch: typeSwatch,
    lineSample: lineSample,
    formatCount: formatCount,
    plural: plural
  };
})(window);
