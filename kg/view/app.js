/* kg graph view: draws the embedded graph with vis-network and adds search,
 * type filters, a hover tooltip and a side panel.
 *
 * Every title, abstract, name and URL in the data is untrusted. It is read
 * with JSON.parse from a <script type="application/json"> element and only
 * ever written to the page with textContent / setAttribute; this file never
 * hands text to an HTML parser, and only http(s) URLs become links.
 */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();
  var nodes = data.nodes;
  var edges = data.edges;
  var types = data.types;
  var rels = data.relations;
  var N = nodes.length;
  var BIG = N > 1500;
  var SMALL = N <= 300;
  var PHYSICS_CAP_MS = 20000;

  var container = document.getElementById("kg-network");
  var tooltip = document.getElementById("kg-tooltip");
  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  var searchInput = document.getElementById("kg-search");
  var suggestions = document.getElementById("kg-suggestions");
  var searchStatus = document.getElementById("kg-search-status");
  var physicsButton = document.getElementById("kg-physics");

  /* ---------- small DOM helpers (text only) ---------- */

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

  function swatch(type, px) {
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
    if (type.shape === "square") {
      shape = document.createElementNS(ns, "rect");
      shape.setAttribute("x", "2");
      shape.setAttribute("y", "2");
      shape.setAttribute("width", "16");
      shape.setAttribute("height", "16");
    } else if (pts[type.shape]) {
      shape = document.createElementNS(ns, "polygon");
      shape.setAttribute("points", pts[type.shape]);
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "10");
      shape.setAttribute("cy", "10");
      shape.setAttribute("r", "8");
    }
    shape.setAttribute("fill", type.color);
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

  /* ---------- adjacency ---------- */

  var outEdges = [];
  var inEdges = [];
  for (var i = 0; i < N; i++) {
    outEdges.push([]);
    inEdges.push([]);
  }
  for (var j = 0; j < edges.length; j++) {
    outEdges[edges[j][0]].push(j);
    inEdges[edges[j][1]].push(j);
  }
  var relIndex = {};
  rels.forEach(function (r, k) { relIndex[r.name] = k; });

  function typeOf(i) { return types[nodes[i].k]; }
  function displayName(i) {
    var n = nodes[i];
    return n.name || n.title || n.url || n.l || n.id;
  }

  /* ---------- header ---------- */

  document.getElementById("kg-title").textContent = data.title;
  document.getElementById("kg-summary").textContent = data.summary.message;

  /* ---------- the network ---------- */

  var groups = {};
  types.forEach(function (t) {
    groups[t.name] = {
      shape: t.shape,
      color: {
        background: t.color,
        border: "#ffffff",
        highlight: { background: t.color, border: "#111111" },
        hover: { background: t.color, border: "#333333" }
      }
    };
  });

  var visNodes = new Array(N);
  for (var a = 0; a < N; a++) {
    var n = nodes[a];
    visNodes[a] = { id: a, x: n.x, y: n.y, label: n.l, group: types[n.k].name, size: n.s };
  }
  function visEdge(b) {
    var e = edges[b];
    var r = rels[e[2]];
    var width = r.width;
    if (r.name === "co_occurs") width = Math.min(4, r.width + 0.4 * Math.log(1 + e[3]));
    return {
      id: b,
      from: e[0],
      to: e[1],
      color: { color: r.color, highlight: "#222222", hover: "#444444", opacity: 0.85 },
      dashes: r.dashes,
      arrows: r.arrow && !BIG ? "to" : "",
      width: width
    };
  }
  // on big graphs co-occurrence edges (most of all edges) start hidden: drawing stays fast
  var hiddenRels = {};
  if (edges.length > 5000 && relIndex.co_occurs !== undefined) hiddenRels[relIndex.co_occurs] = true;
  var visEdges = [];
  for (var b = 0; b < edges.length; b++) {
    if (!hiddenRels[edges[b][2]]) visEdges.push(visEdge(b));
  }
  var nodeSet = new vis.DataSet(visNodes);
  var edgeSet = new vis.DataSet(visEdges);

  var options = {
    autoResize: true,
    layout: { improvedLayout: false },
    groups: groups,
    nodes: {
      borderWidth: BIG ? 0 : 1,
      borderWidthSelected: 3,
      font: { size: 13, face: "system-ui, sans-serif", color: "#222222", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { drawThreshold: 7 } }
    },
    edges: {
      smooth: false,
      arrows: { to: { scaleFactor: 0.45 } },
      selectionWidth: 1.5,
      hoverWidth: 0.5
    },
    interaction: {
      hover: true,
      tooltipDelay: 3600000,
      hideEdgesOnDrag: BIG,
      hideEdgesOnZoom: BIG,
      multiselect: false,
      keyboard: false
    },
    physics: {
      enabled: SMALL,
      solver: "barnesHut",
      barnesHut: {
        gravitationalConstant: -4000,
        centralGravity: 0.05,
        springLength: 120,
        springConstant: 0.04,
        damping: 0.5,
        avoidOverlap: 0.3
      },
      minVelocity: 1.0,
      stabilization: { enabled: SMALL, iterations: 150, updateInterval: 50, fit: true }
    }
  };

  timings.prepared = performance.now();
  var network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, options);
  timings.network = performance.now();
  var physicsOn = false;
  var physicsTimer = null;
  var ready = false;
  var settled = !SMALL;
  var drawnAt = null;
  var selected = null;

  function setPhysics(on) {
    physicsOn = on;
    if (physicsTimer) {
      clearTimeout(physicsTimer);
      physicsTimer = null;
    }
    network.setOptions({ physics: { enabled: on } });
    physicsButton.textContent = on ? "Physics: on" : "Physics: off";
    physicsButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on && !SMALL) {
      // vis.js stops on its own once settled; big graphs may never settle, so cap the run
      physicsTimer = setTimeout(function () { setPhysics(false); }, PHYSICS_CAP_MS);
    }
  }

  if (SMALL) {
    // a bounded stabilisation ran before the first drawing; then stand still
    network.once("stabilizationIterationsDone", function () {
      setPhysics(false);
      settled = true;
    });
  } else {
    network.fit();
  }
  network.on("afterDrawing", function () {
    if (!ready) {
      ready = true;
      drawnAt = performance.now();
      timings.drawn = drawnAt;
      document.body.setAttribute("data-kg-ready", "true");
    }
  });
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  /* ---------- legend and type filters ---------- */

  var hiddenTypes = {};
  var typeBoxes = {};
  var typeList = document.getElementById("kg-types");
  types.forEach(function (t, k) {
    if (!t.count) return;
    var row = el("label", null, "kg-type-row");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-type", t.name);
    box.addEventListener("change", function () { setTypeVisible(k, box.checked); });
    typeBoxes[k] = box;
    row.appendChild(box);
    row.appendChild(swatch(t, 16));
    row.appendChild(el("span", t.name, "kg-type-name"));
    row.appendChild(el("span", formatCount(t.count), "kg-type-count"));
    typeList.appendChild(row);
  });

  function setTypeVisible(k, visible) {
    hiddenTypes[k] = !visible;
    if (typeBoxes[k]) typeBoxes[k].checked = visible;
    var updates = [];
    for (var i = 0; i < N; i++) {
      if (nodes[i].k === k) updates.push({ id: i, hidden: !visible });
    }
    nodeSet.update(updates);
    if (!visible && selected !== null && nodes[selected].k === k) closePanel();
  }

  var relList = document.getElementById("kg-relations");
  var relCounts = {};
  edges.forEach(function (e) { relCounts[e[2]] = (relCounts[e[2]] || 0) + 1; });
  rels.forEach(function (rel, k) {
    if (!relCounts[k]) return;
    var row = el("label", null, "kg-rel-row");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !hiddenRels[k];
    box.setAttribute("data-relation", rel.name);
    box.addEventListener("change", function () { setRelationVisible(k, box.checked); });
    row.appendChild(box);
    row.appendChild(lineSample(rel));
    row.appendChild(el("span", rel.label, "kg-type-name"));
    row.appendChild(el("span", formatCount(relCounts[k]), "kg-type-count"));
    relList.appendChild(row);
  });

  if (Object.keys(hiddenRels).length) {
    relList.appendChild(el("p", "Co-occurrence edges are not drawn at this size; tick them to draw them.", "kg-hint"));
  }

  function setRelationVisible(k, visible) {
    if (!hiddenRels[k] === visible) return;
    hiddenRels[k] = !visible;
    var ids = [];
    for (var b = 0; b < edges.length; b++) {
      if (edges[b][2] === k) ids.push(b);
    }
    if (visible) edgeSet.add(ids.map(visEdge));
    else edgeSet.remove(ids);
  }

  /* ---------- hover tooltip ---------- */

  var mouse = { x: 0, y: 0 };
  container.addEventListener("mousemove", function (ev) {
    mouse.x = ev.clientX;
    mouse.y = ev.clientY;
    if (!tooltip.hidden) placeTooltip();
  });

  function placeTooltip() {
    var x = mouse.x + 14;
    var y = mouse.y + 14;
    var w = tooltip.offsetWidth;
    var h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 4) x = Math.max(4, mouse.x - w - 14);
    if (y + h > window.innerHeight - 4) y = Math.max(4, mouse.y - h - 14);
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }

  function showTooltip(i) {
    var n = nodes[i];
    var t = typeOf(i);
    tooltip.textContent = "";
    tooltip.appendChild(el("div", displayName(i), "kg-tip-name"));
    tooltip.appendChild(el("div", t.name, "kg-tip-type"));
    if (n.aliases && n.aliases.length) tooltip.appendChild(el("div", "also: " + n.aliases.join(", "), "kg-tip-aliases"));
    if (n.papers !== undefined) {
      tooltip.appendChild(el("div", n.papers + (n.papers === 1 ? " paper" : " papers"), "kg-tip-count"));
    } else if (t.name === "Paper") {
      tooltip.appendChild(el("div", outEdges[i].length + " links in this view", "kg-tip-count"));
    }
    tooltip.hidden = false;
    placeTooltip();
  }

  network.on("hoverNode", function (params) { showTooltip(params.node); });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("zoom", function () { tooltip.hidden = true; });

  /* ---------- side panel ---------- */

  function nodeButton(i, text) {
    var btn = el("button", text || displayName(i), "kg-node-link");
    btn.type = "button";
    btn.setAttribute("data-node", nodes[i].id);
    btn.addEventListener("click", function () { focusNode(i, true); });
    return btn;
  }

  function section(title) {
    var sec = el("section", null, "kg-section");
    sec.appendChild(el("h3", title));
    panelBody.appendChild(sec);
    return sec;
  }

  function roleOf(relName) {
    if (relName === "proposes") return "proposed";
    if (relName === "uses") return "used";
    return relName;
  }

  function entityPanel(i) {
    var n = nodes[i];
    if (n.aliases && n.aliases.length) panelBody.appendChild(el("p", "Also called: " + n.aliases.join(", "), "kg-aliases"));
    var facts = [];
    if (n.papers !== undefined) facts.push(n.papers + (n.papers === 1 ? " paper" : " papers"));
    if (n.mentions) facts.push(n.mentions + (n.mentions === 1 ? " mention" : " mentions"));
    if (facts.length) panelBody.appendChild(el("p", facts.join(" \u00b7 "), "kg-facts"));

    var mentions = inEdges[i].filter(function (j) {
      var name = rels[edges[j][2]].name;
      return name === "proposes" || name === "uses";
    });
    mentions.sort(function (x, y) {
      var rx = rels[edges[x][2]].name === "proposes" ? 0 : 1;
      var ry = rels[edges[y][2]].name === "proposes" ? 0 : 1;
      if (rx !== ry) return rx - ry;
      return displayName(edges[x][0]).localeCompare(displayName(edges[y][0]));
    });
    var sec = section("Papers (" + mentions.length + (n.papers > mentions.length ? " of " + n.papers + " in this view" : "") + ")");
    sec.setAttribute("id", "kg-panel-papers");
    var list = el("ul", null, "kg-list");
    var codeSeen = {};
    var codeItems = [];
    mentions.forEach(function (j) {
      var paper = edges[j][0];
      var relName = rels[edges[j][2]].name;
      var li = el("li", null, "kg-paper-item");
      li.appendChild(nodeButton(paper));
      li.appendChild(el("span", roleOf(relName), "kg-role kg-role-" + relName));
      if (edges[j][4]) li.appendChild(el("blockquote", edges[j][4], "kg-evidence"));
      list.appendChild(li);
      if (relName !== "proposes") return;
      outEdges[paper].forEach(function (k) {
        var rn = rels[edges[k][2]].name;
        var target = edges[k][1];
        if ((rn === "has_code" || rn === "has_link") && !codeSeen[target]) {
          codeSeen[target] = true;
          codeItems.push([rn === "has_code" ? 0 : 1, displayName(target), target]);
        }
      });
    });
    if (!mentions.length) list.appendChild(el("li", "No paper in this view mentions it.", "kg-empty"));
    sec.appendChild(list);

    if (codeItems.length) {
      codeItems.sort(function (x, y) { return x[0] - y[0] || x[1].localeCompare(y[1]); });
      var codeSec = section("Code and links (from the papers that propose it)");
      codeSec.setAttribute("id", "kg-panel-links");
      var codeList = el("ul", null, "kg-list");
      codeItems.slice(0, 30).forEach(function (item) {
        var li = el("li");
        li.appendChild(linkEl(nodes[item[2]].url, nodes[item[2]].url));
        codeList.appendChild(li);
      });
      codeSec.appendChild(codeList);
    }

    var related = [];
    outEdges[i].concat(inEdges[i]).forEach(function (j) {
      if (rels[edges[j][2]].name !== "co_occurs") return;
      var other = edges[j][0] === i ? edges[j][1] : edges[j][0];
      related.push([edges[j][3], displayName(other), other]);
    });
    if (related.length) {
      related.sort(function (x, y) { return y[0] - x[0] || x[1].localeCompare(y[1]); });
      var relSec = section("Often together with");
      var relList2 = el("ul", null, "kg-list kg-inline-list");
      related.slice(0, 25).forEach(function (item) {
        var li = el("li");
        li.appendChild(nodeButton(item[2]));
        li.appendChild(el("span", "\u00d7" + item[0], "kg-weight"));
        relList2.appendChild(li);
      });
      relSec.appendChild(relList2);
    }
  }

  function paperPanel(i) {
    var n = nodes[i];
    var meta = [];
    if (n.date) meta.push(n.date);
    if (n.paper_id) meta.push(n.paper_id);
    if (n.categories && n.categories.length) meta.push(n.categories.join(", "));
    if (meta.length) panelBody.appendChild(el("p", meta.join(" \u00b7 "), "kg-facts"));
    if (n.authors && n.authors.length) {
      var shown = n.authors.slice(0, 8).join(", ") + (n.authors.length > 8 ? ", et al." : "");
      panelBody.appendChild(el("p", shown, "kg-authors"));
    }
    if (n.url) {
      var p = el("p", null, "kg-paper-url");
      p.appendChild(linkEl(n.url, n.url));
      panelBody.appendChild(p);
    }
    if (n.abstract) {
      var absSec = section("Abstract");
      absSec.appendChild(el("p", n.abstract, "kg-abstract"));
    }
    var byType = {};
    var links = [];
    outEdges[i].forEach(function (j) {
      var relName = rels[edges[j][2]].name;
      var target = edges[j][1];
      if (relName === "has_code" || relName === "has_link") {
        links.push(j);
      } else {
        var k = nodes[target].k;
        (byType[k] = byType[k] || []).push(j);
      }
    });
    var entSec = section("Entities");
    entSec.setAttribute("id", "kg-panel-entities");
    var any = false;
    types.forEach(function (t, k) {
      if (!byType[k]) return;
      any = true;
      var group = el("div", null, "kg-entity-group");
      var head = el("h4");
      head.appendChild(swatch(t, 12));
      head.appendChild(el("span", t.name + " (" + byType[k].length + ")"));
      group.appendChild(head);
      var list = el("ul", null, "kg-list kg-inline-list");
      byType[k].sort(function (x, y) { return displayName(edges[x][1]).localeCompare(displayName(edges[y][1])); });
      byType[k].forEach(function (j) {
        var li = el("li");
        li.appendChild(nodeButton(edges[j][1]));
        li.appendChild(el("span", roleOf(rels[edges[j][2]].name), "kg-role kg-role-" + rels[edges[j][2]].name));
        list.appendChild(li);
      });
      group.appendChild(list);
      entSec.appendChild(group);
    });
    if (!any) entSec.appendChild(el("p", "No entity of this paper is in this view.", "kg-empty"));
    if (links.length) {
      var linkSec = section("Code and links");
      var linkList = el("ul", null, "kg-list");
      links.forEach(function (j) {
        var target = edges[j][1];
        var li = el("li");
        li.appendChild(el("span", rels[edges[j][2]].label, "kg-role"));
        li.appendChild(linkEl(nodes[target].url, nodes[target].url));
        if (edges[j][4]) li.appendChild(el("blockquote", edges[j][4], "kg-evidence"));
        linkList.appendChild(li);
      });
      linkSec.appendChild(linkList);
    }
  }

  function resourcePanel(i) {
    var n = nodes[i];
    var p = el("p", null, "kg-paper-url");
    p.appendChild(linkEl(n.url, n.url));
    panelBody.appendChild(p);
    if (n.link_kind) panelBody.appendChild(el("p", "kind: " + n.link_kind, "kg-facts"));
    var sec = section("Papers (" + inEdges[i].length + ")");
    sec.setAttribute("id", "kg-panel-papers");
    var list = el("ul", null, "kg-list");
    inEdges[i].forEach(function (j) {
      var li = el("li", null, "kg-paper-item");
      li.appendChild(nodeButton(edges[j][0]));
      if (edges[j][4]) li.appendChild(el("blockquote", edges[j][4], "kg-evidence"));
      list.appendChild(li);
    });
    sec.appendChild(list);
  }

  function openPanel(i) {
    var t = typeOf(i);
    panelBody.textContent = "";
    var badge = el("div", null, "kg-badge");
    badge.appendChild(swatch(t, 14));
    badge.appendChild(el("span", t.name));
    panelBody.appendChild(badge);
    var heading = el("h2", displayName(i), "kg-panel-title");
    heading.setAttribute("id", "kg-panel-title");
    panelBody.appendChild(heading);
    if (t.name === "Paper") paperPanel(i);
    else if (t.name === "Repository" || t.name === "Link") resourcePanel(i);
    else entityPanel(i);
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function closePanel() {
    panel.hidden = true;
    panelBody.textContent = "";
    selected = null;
    network.unselectAll();
  }

  document.getElementById("kg-panel-close").addEventListener("click", closePanel);

  function focusNode(i, move) {
    if (hiddenTypes[nodes[i].k]) setTypeVisible(nodes[i].k, true);
    selected = i;
    network.selectNodes([i]);
    openPanel(i);
    if (move) {
      // centre the node in the part of the canvas the side panel leaves free
      var scale = Math.max(network.getScale(), 1.0);
      var offset = { x: -Math.min(panel.offsetWidth, container.offsetWidth / 2) / 2, y: 0 };
      network.focus(i, { scale: scale, offset: offset, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    }
  }

  network.on("click", function (params) {
    tooltip.hidden = true;
    if (params.nodes && params.nodes.length) {
      focusNode(params.nodes[0], false);
    } else if (!params.edges || !params.edges.length) {
      closePanel();
    }
  });

  /* ---------- search ---------- */

  var searchIndex = null;
  function buildIndex() {
    searchIndex = [];
    for (var i = 0; i < N; i++) {
      var n = nodes[i];
      var names = [n.name || n.title || n.url || n.l];
      if (n.aliases) names = names.concat(n.aliases);
      if (n.url && names.indexOf(n.url) < 0) names.push(n.url);
      for (var k = 0; k < names.length; k++) {
        if (names[k]) searchIndex.push([String(names[k]).toLowerCase(), i, String(names[k])]);
      }
    }
  }

  function findMatches(query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    if (!searchIndex) buildIndex();
    var best = {};
    for (var k = 0; k < searchIndex.length; k++) {
      var entry = searchIndex[k];
      var pos = entry[0].indexOf(q);
      if (pos < 0) continue;
      var rank = entry[0] === q ? 0 : (pos === 0 ? 1 : 2);
      var prev = best[entry[1]];
      if (!prev || rank < prev[0]) best[entry[1]] = [rank, entry[2]];
    }
    var hits = Object.keys(best).map(function (key) {
      var i = Number(key);
      return { node: i, rank: best[key][0], matched: best[key][1] };
    });
    hits.sort(function (x, y) {
      return x.rank - y.rank || (nodes[y.node].papers || 0) - (nodes[x.node].papers || 0) ||
        displayName(x.node).localeCompare(displayName(y.node)) || x.node - y.node;
    });
    return hits.slice(0, limit);
  }

  var currentHits = [];
  var active = -1;
  function setActive(k) {
    var items = suggestions.children;
    if (!items.length) return;
    active = (k + items.length) % items.length;
    for (var j = 0; j < items.length; j++) {
      items[j].setAttribute("aria-selected", j === active ? "true" : "false");
    }
  }

  function showSuggestions() {
    currentHits = findMatches(searchInput.value, 12);
    active = -1;
    suggestions.textContent = "";
    if (!searchInput.value.trim()) {
      suggestions.hidden = true;
      searchStatus.textContent = "";
      return;
    }
    currentHits.forEach(function (hit) {
      var li = el("li", null, "kg-suggestion");
      li.setAttribute("role", "option");
      li.appendChild(swatch(typeOf(hit.node), 12));
      li.appendChild(el("span", displayName(hit.node), "kg-suggestion-name"));
      if (hit.matched !== displayName(hit.node)) li.appendChild(el("span", "(" + hit.matched + ")", "kg-suggestion-alias"));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        pick(hit.node);
      });
      suggestions.appendChild(li);
    });
    suggestions.hidden = currentHits.length === 0;
    searchStatus.textContent = currentHits.length ? "" : "No node matches \u201c" + searchInput.value.trim() + "\u201d.";
  }

  function pick(i) {
    suggestions.hidden = true;
    searchStatus.textContent = "Found: " + displayName(i) + " (" + typeOf(i).name + ")";
    focusNode(i, true);
  }

  searchInput.addEventListener("input", showSuggestions);
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (!suggestions.hidden && active >= 0 && currentHits[active]) {
        pick(currentHits[active].node);
        return;
      }
      var hits = findMatches(searchInput.value, 1);
      if (hits.length) pick(hits[0].node);
      else showSuggestions();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (suggestions.hidden) showSuggestions();
      setActive(active + (ev.key === "ArrowDown" ? 1 : -1));
    } else if (ev.key === "Escape") {
      suggestions.hidden = true;
    }
  });
  searchInput.addEventListener("blur", function () { suggestions.hidden = true; });

  /* ---------- read-only hooks for tests and benchmarks ---------- */

  var view = {
    nodeCount: N,
    edgeCount: edges.length,
    drawnNodeCount: function () { return network.body.nodeIndices.length; },
    drawnEdgeCount: function () { return network.body.edgeIndices.length; },
    isReady: function () { return ready; },
    isSettled: function () { return settled && ready; },
    drawnAt: function () { return drawnAt; },
    timings: function () { return Object.assign({}, timings); },
    physicsEnabled: function () { return physicsOn; },
    selected: function () { return selected === null ? null : nodes[selected].id; },
    domPosition: function (id) {
      for (var i = 0; i < N; i++) {
        if (nodes[i].id === id) {
          var p = network.canvasToDOM(network.getPosition(i));
          var box = container.getBoundingClientRect();
          return { x: box.left + p.x, y: box.top + p.y };
        }
      }
      return null;
    }
  };
  Object.defineProperty(window, "kgView", { value: Object.freeze(view), writable: false, configurable: false });
})();
