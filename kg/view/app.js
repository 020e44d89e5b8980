/* kg graph view: draws the embedded graph with vis-network and adds labels
 * that never overlap, search, filters, a hover tooltip and a side panel.
 *
 * Two kinds of page share this script (data.mode): the entity map (entities
 * only, coloured by cluster, papers listed in the side panel from the
 * data.papers table) and papers-and-entities (every paper a node).
 *
 * Every title, abstract, name and URL in the data is untrusted. It is read
 * with JSON.parse from a <script type="application/json"> element and only
 * ever written to the page with textContent / setAttribute; this file never
 * hands text to an HTML parser, and only http(s) URLs become links.
 */
(function () {
  "use strict";

  var lib = window.kgLib;
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();
  var nodes = data.nodes;
  var edges = data.edges;
  var types = data.types;
  var rels = data.relations;
  var clusters = data.clusters || [];
  var papers = data.papers || [];
  var IS_MAP = data.mode === "map";
  var N = nodes.length;
  var BIG = N > 1500;
  var SMALL = !IS_MAP && N <= 300;
  var PHYSICS_CAP_MS = 20000;
  var LABEL_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var MARGIN = 40;

  var container = document.getElementById("kg-network");
  var tooltip = document.getElementById("kg-tooltip");
  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  var searchInput = document.getElementById("kg-search");
  var suggestions = document.getElementById("kg-suggestions");
  var searchStatus = document.getElementById("kg-search-status");
  var physicsButton = document.getElementById("kg-physics");
  var summaryLine = document.getElementById("kg-summary");

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

  function typeSwatch(t, px) { return swatch(t.shape, t.color, px); }

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

  /* ---------- adjacency ---------- */

  var outEdges = [];
  var inEdges = [];
  var indexOfId = {};
  for (var i = 0; i < N; i++) {
    outEdges.push([]);
    inEdges.push([]);
    indexOfId[nodes[i].id] = i;
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
  function neighboursOf(i) {
    var out = [];
    outEdges[i].forEach(function (b) { if (edgeShown(b)) out.push(edges[b][1]); });
    inEdges[i].forEach(function (b) { if (edgeShown(b)) out.push(edges[b][0]); });
    return out;
  }

  /* ---------- colours ---------- */

  function fillOf(i) {
    if (IS_MAP) return clusters[nodes[i].c] ? clusters[nodes[i].c].color : "#999999";
    return typeOf(i).color;
  }

  function hexToRgba(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + ((v >> 16) & 255) + "," + ((v >> 8) & 255) + "," + (v & 255) + "," + alpha + ")";
  }

  /* ---------- header ---------- */

  document.getElementById("kg-title").textContent = data.title;
  var modeLine = document.getElementById("kg-mode");
  if (IS_MAP) {
    modeLine.textContent = "Entity map: papers are folded away; click an entity to list its papers. " +
      "(kg view --mode papers draws papers as nodes.)";
  } else {
    modeLine.textContent = "Papers and their entities as nodes. " +
      "(Above 150 papers kg draws an entity map; kg view --mode map asks for it.)";
  }

  /* ---------- the network ---------- */

  var hiddenTypes = {};
  var hiddenClusters = {};
  var hiddenRels = {};
  if (!IS_MAP && edges.length > 5000 && relIndex.co_occurs !== undefined) hiddenRels[relIndex.co_occurs] = true;

  function nodeHidden(i) {
    return !!(hiddenTypes[nodes[i].k] || (IS_MAP && hiddenClusters[nodes[i].c]));
  }
  function edgeShown(b) {
    var e = edges[b];
    return !hiddenRels[e[2]] && !nodeHidden(e[0]) && !nodeHidden(e[1]);
  }

  var visNodes = new Array(N);
  for (var a = 0; a < N; a++) {
    var n = nodes[a];
    var fill = fillOf(a);
    visNodes[a] = {
      id: a,
      x: n.x,
      y: n.y,
      size: n.s,
      shape: typeOf(a).shape,
      color: {
        background: fill,
        border: "#ffffff",
        highlight: { background: fill, border: "#111111" },
        hover: { background: fill, border: "#333333" }
      }
    };
  }
  function visEdge(b) {
    var e = edges[b];
    var r = rels[e[2]];
    var colour = r.color;
    var width = r.width;
    var opacity = 0.85;
    if (IS_MAP) {
      var ca = nodes[e[0]].c;
      colour = ca === nodes[e[1]].c && clusters[ca] ? clusters[ca].color : "#9aa4ae";
      width = e[6] || 1;
      opacity = 0.4;
    } else if (r.name === "co_occurs") {
      width = Math.min(4, r.width + 0.4 * Math.log(1 + e[3]));
    }
    return {
      id: b,
      from: e[0],
      to: e[1],
      color: { color: colour, highlight: "#222222", hover: "#444444", opacity: opacity },
      dashes: r.dashes,
      arrows: r.arrow && !BIG ? "to" : "",
      width: width
    };
  }
  var visEdges = [];
  for (var b = 0; b < edges.length; b++) {
    if (!hiddenRels[edges[b][2]]) visEdges.push(visEdge(b));
  }
  var nodeSet = new vis.DataSet(visNodes);
  var edgeSet = new vis.DataSet(visEdges);

  var options = {
    autoResize: true,
    layout: { improvedLayout: false },
    nodes: { borderWidth: BIG ? 0 : 1, borderWidthSelected: 3, font: { size: 0 } },
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
      selectable: true,
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
  var selected = null;       // node index
  var selectedPaper = null;  // index into papers (map pages)
  var hovered = null;

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
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  /* ---------- labels: drawn by this page, never overlapping ---------- */

  var labelOrder = data.labels || [];
  var labelWidths = {};
  var placedBoxes = [];
  var measureCtx = document.createElement("canvas").getContext("2d");

  function fontOf(i, bold) {
    return (bold ? "600 " : "") + (nodes[i].f || 12) + "px " + LABEL_FONT;
  }

  function labelWidth(i, bold) {
    var key = bold ? "b" + i : i;
    var w = labelWidths[key];
    if (w === undefined) {
      measureCtx.font = fontOf(i, bold);
      w = Math.ceil(measureCtx.measureText(nodes[i].l).width);
      labelWidths[key] = w;
    }
    return w;
  }

  function screenOf(i, scale, view, width, height) {
    var body = network.body.nodes[i];
    if (!body) return null;
    return { x: (body.x - view.x) * scale + width / 2, y: (body.y - view.y) * scale + height / 2 };
  }

  function drawLabels(ctx) {
    var width = container.clientWidth;
    var height = container.clientHeight;
    var scale = network.getScale();
    var view = network.getViewPosition();
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var placer = new lib.LabelPlacer(width, height);
    var first = [];
    if (selected !== null) first.push(selected);
    if (hovered !== null && hovered !== selected) first.push(hovered);
    var done = {};
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    function tryNode(i, bold) {
      if (done[i] || nodeHidden(i)) return;
      done[i] = true;
      var p = screenOf(i, scale, view, width, height);
      if (!p || p.x < -MARGIN || p.y < -MARGIN || p.x > width + MARGIN || p.y > height + MARGIN) return;
      var w = labelWidth(i, bold);
      var h = (nodes[i].f || 12) + 3;
      var spots = lib.labelSpots(p.x, p.y, Math.max(nodes[i].s * scale, 2), w, h, width);
      for (var s = 0; s < spots.length; s++) {
        if (!placer.fits(spots[s])) continue;
        var box = spots[s];
        box.node = i;
        box.text = nodes[i].l;
        box.size = nodes[i].f || 12;
        placer.add(box);
        ctx.font = fontOf(i, bold);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(box.text, box.x, box.y + 1.5);
        ctx.fillStyle = bold ? "#000000" : "#1f2328";
        ctx.fillText(box.text, box.x, box.y + 1.5);
        return;
      }
    }
    first.forEach(function (i) { tryNode(i, true); });
    for (var k = 0; k < labelOrder.length; k++) tryNode(labelOrder[k], false);
    ctx.restore();
    placedBoxes = placer.boxes;
  }

  network.on("afterDrawing", function (ctx) {
    drawLabels(ctx);
    if (!ready) {
      ready = true;
      drawnAt = performance.now();
      timings.drawn = drawnAt;
      document.body.setAttribute("data-kg-ready", "true");
    }
  });

  /* ---------- header counts that follow the filters ---------- */

  function visibleCounts() {
    var shownNodes = 0;
    for (var i = 0; i < N; i++) if (!nodeHidden(i)) shownNodes++;
    var shownEdges = 0;
    for (var b = 0; b < edges.length; b++) if (edgeShown(b)) shownEdges++;
    return { nodes: shownNodes, edges: shownEdges };
  }

  function updateSummary() {
    var s = data.summary;
    var c = visibleCounts();
    var filtered = c.nodes !== N || c.edges !== edges.length;
    if (!filtered) {
      summaryLine.textContent = s.message;
      return;
    }
    var text;
    if (IS_MAP) {
      text = "entity map of " + plural(s.total_papers, "paper") + ": showing " + formatCount(c.nodes) + " of the " +
        formatCount(N) + " entities in most papers (of " + formatCount(s.total_entities) + ") and " +
        formatCount(c.edges) + " of their " + formatCount(edges.length) + " strongest ties";
    } else {
      text = "showing " + formatCount(c.nodes) + " of " + formatCount(s.total_nodes) + " nodes and " +
        formatCount(c.edges) + " of " + formatCount(s.total_edges) + " edges";
    }
    var off = [];
    types.forEach(function (t, k) { if (hiddenTypes[k] && t.count) off.push(t.name); });
    clusters.forEach(function (cl, k) { if (hiddenClusters[k]) off.push("cluster " + (k + 1)); });
    rels.forEach(function (r, k) { if (hiddenRels[k]) off.push(r.label + " edges"); });
    if (off.length) text += " (hidden on this page: " + off.join(", ") + ")";
    summaryLine.textContent = text;
  }

  /* ---------- legend and filters ---------- */

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
    row.appendChild(typeSwatch(t, 16));
    row.appendChild(el("span", t.name, "kg-type-name"));
    row.appendChild(el("span", formatCount(t.count), "kg-type-count"));
    typeList.appendChild(row);
  });

  function refreshNodes() {
    var updates = [];
    for (var i = 0; i < N; i++) updates.push({ id: i, hidden: nodeHidden(i) });
    nodeSet.update(updates);
    if (selected !== null && nodeHidden(selected)) closePanel();
    updateSummary();
  }

  function setTypeVisible(k, visible) {
    hiddenTypes[k] = !visible;
    if (typeBoxes[k]) typeBoxes[k].checked = visible;
    refreshNodes();
  }

  var clusterBoxes = {};
  if (IS_MAP && clusters.length) {
    document.getElementById("kg-clusters-box").hidden = false;
    var clusterList = document.getElementById("kg-clusters");
    clusters.forEach(function (cl, k) {
      var row = el("div", null, "kg-cluster-row");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.setAttribute("data-cluster", String(k));
      box.setAttribute("aria-label", "show cluster " + (k + 1));
      box.addEventListener("change", function () {
        hiddenClusters[k] = !box.checked;
        refreshNodes();
      });
      clusterBoxes[k] = box;
      row.appendChild(box);
      row.appendChild(swatch("dot", cl.color, 14));
      var name = el("button", cl.name, "kg-cluster-name");
      name.type = "button";
      name.setAttribute("data-cluster", String(k));
      name.setAttribute("title", "zoom to this cluster");
      name.addEventListener("click", function () { zoomToCluster(k); });
      row.appendChild(name);
      row.appendChild(el("span", formatCount(cl.size), "kg-type-count"));
      clusterList.appendChild(row);
    });
  }

  function zoomToCluster(k) {
    if (hiddenClusters[k]) {
      hiddenClusters[k] = false;
      clusterBoxes[k].checked = true;
      refreshNodes();
    }
    var members = [];
    for (var i = 0; i < N; i++) if (nodes[i].c === k) members.push(i);
    fitNodes(members, 400);
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

  if (!IS_MAP && Object.keys(hiddenRels).length) {
    relList.appendChild(el("p", "Co-occurrence edges are not drawn at this size; tick them to draw them.", "kg-hint"));
  }
  if (IS_MAP) {
    relList.appendChild(el("p", "Each entity's " + "3 strongest ties: papers together, relative to chance.", "kg-hint"));
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
    updateSummary();
  }

  updateSummary();

  /* ---------- view helpers: the panel never covers what is selected ---------- */

  function panelWidth() {
    return panel.hidden ? 0 : Math.min(panel.offsetWidth, container.clientWidth / 2);
  }

  /* The part of the drawing the side panel leaves free, in container pixels. */
  function freeArea() {
    return { left: 0, top: 0, right: container.clientWidth - panelWidth(), bottom: container.clientHeight };
  }

  function moveView(position, scale, duration) {
    network.moveTo({
      position: position,
      scale: scale,
      offset: { x: -panelWidth() / 2, y: 0 },
      animation: duration ? { duration: duration, easingFunction: "easeInOutQuad" } : false
    });
  }

  /* Zoom and pan so every listed node fits in the free area. */
  function fitNodes(list, duration) {
    if (!list.length) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    list.forEach(function (i) {
      var body = network.body.nodes[i];
      if (!body) return;
      var r = nodes[i].s;
      minX = Math.min(minX, body.x - r);
      maxX = Math.max(maxX, body.x + r);
      minY = Math.min(minY, body.y - r);
      maxY = Math.max(maxY, body.y + r);
    });
    var area = freeArea();
    var availW = Math.max(area.right - area.left - 2 * MARGIN, 100);
    var availH = Math.max(area.bottom - area.top - 2 * MARGIN - 20, 100);
    var scale = Math.min(availW / Math.max(maxX - minX, 1), availH / Math.max(maxY - minY, 1), 2.5);
    moveView({ x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale, duration);
  }

  /* Pan (without zooming) when the node sits under the panel or off screen. */
  function keepInView(i) {
    var body = network.body.nodes[i];
    if (!body) return;
    var p = network.canvasToDOM({ x: body.x, y: body.y });
    var area = freeArea();
    if (p.x < area.left + MARGIN || p.x > area.right - MARGIN || p.y < area.top + MARGIN || p.y > area.bottom - MARGIN) {
      moveView({ x: body.x, y: body.y }, network.getScale(), 300);
    }
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
    var kind = t.name;
    if (IS_MAP && clusters[n.c]) kind += " \u00b7 cluster " + (n.c + 1) + ": " + clusters[n.c].name;
    tooltip.appendChild(el("div", kind, "kg-tip-type"));
    if (n.aliases && n.aliases.length) tooltip.appendChild(el("div", "also: " + n.aliases.join(", "), "kg-tip-aliases"));
    if (n.papers !== undefined) {
      tooltip.appendChild(el("div", plural(n.papers, "paper"), "kg-tip-count"));
    } else if (t.name === "Paper") {
      tooltip.appendChild(el("div", outEdges[i].length + " links in this view", "kg-tip-count"));
    }
    tooltip.hidden = false;
    placeTooltip();
  }

  network.on("hoverNode", function (params) {
    hovered = params.node;
    showTooltip(params.node);
  });
  network.on("blurNode", function () {
    hovered = null;
    tooltip.hidden = true;
  });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("zoom", function () { tooltip.hidden = true; });

  /* ---------- side panel ---------- */

  function nodeButton(i, text) {
    var btn = el("button", text || displayName(i), "kg-node-link");
    btn.type = "button";
    btn.setAttribute("data-node", nodes[i].id);
    btn.addEventListener("click", function () { focusNode(i, "pan"); });
    return btn;
  }

  function paperButton(p) {
    var btn = el("button", papers[p].title, "kg-node-link");
    btn.type = "button";
    btn.setAttribute("data-paper", papers[p].id);
    btn.addEventListener("click", function () { openPaper(p); });
    return btn;
  }

  function section(title, id) {
    var sec = el("section", null, "kg-section");
    if (id) sec.setAttribute("id", id);
    sec.appendChild(el("h3", title));
    panelBody.appendChild(sec);
    return sec;
  }

  function roleName(proposed) { return proposed ? "proposed" : "used"; }
  function roleEl(proposed) {
    return el("span", roleName(proposed), "kg-role kg-role-" + (proposed ? "proposes" : "uses"));
  }

  function header(kindName, shape, colour, title) {
    panelBody.textContent = "";
    var badge = el("div", null, "kg-badge");
    badge.appendChild(swatch(shape, colour, 14));
    badge.appendChild(el("span", kindName));
    panelBody.appendChild(badge);
    var heading = el("h2", title, "kg-panel-title");
    heading.setAttribute("id", "kg-panel-title");
    panelBody.appendChild(heading);
  }

  function linkList(sec, items) {
    var list = el("ul", null, "kg-list");
    items.forEach(function (item) {
      var li = el("li");
      if (item.label) li.appendChild(el("span", item.label, "kg-role"));
      li.appendChild(linkEl(item.url, item.url));
      if (item.evidence) li.appendChild(el("blockquote", item.evidence, "kg-evidence"));
      list.appendChild(li);
    });
    sec.appendChild(list);
  }

  /* A paper, the same way on both pages: facts, entities, code and links, then the abstract. */
  function renderPaper(rec) {
    var meta = [];
    if (rec.date) meta.push(rec.date);
    if (rec.paper_id) meta.push(rec.paper_id);
    if (rec.categories && rec.categories.length) meta.push(rec.categories.join(", "));
    if (meta.length) panelBody.appendChild(el("p", meta.join(" \u00b7 "), "kg-facts"));
    if (rec.authors && rec.authors.length) {
      panelBody.appendChild(el("p", rec.authors.join(", ") + (rec.more ? ", et al." : ""), "kg-authors"));
    }
    if (rec.url) {
      var p = el("p", null, "kg-paper-url");
      p.appendChild(linkEl(rec.url, rec.url));
      panelBody.appendChild(p);
    }
    var entSec = section("Entities", "kg-panel-entities");
    var any = false;
    types.forEach(function (t, k) {
      var group = rec.entities.filter(function (e) { return e.kind === k; });
      if (!group.length) return;
      any = true;
      var box = el("div", null, "kg-entity-group");
      var head = el("h4");
      head.appendChild(typeSwatch(t, 12));
      head.appendChild(el("span", t.name + " (" + group.length + ")"));
      box.appendChild(head);
      var list = el("ul", null, "kg-list kg-inline-list");
      group.forEach(function (e) {
        var li = el("li");
        if (e.node >= 0) li.appendChild(nodeButton(e.node, e.name));
        else li.appendChild(el("span", e.name, "kg-off-map"));
        li.appendChild(roleEl(e.proposed));
        list.appendChild(li);
      });
      box.appendChild(list);
      entSec.appendChild(box);
    });
    if (!any) entSec.appendChild(el("p", "No entity of this paper is in this view.", "kg-empty"));
    if (IS_MAP && rec.entities.some(function (e) { return e.node < 0; })) {
      entSec.appendChild(el("p", "Names without a link are not on the map.", "kg-hint"));
    }
    if (rec.links.length) linkList(section("Code and links", "kg-panel-links"), rec.links);
    if (rec.abstract) {
      var absSec = section("Abstract", "kg-panel-abstract");
      absSec.appendChild(el("p", rec.abstract, "kg-abstract"));
    }
  }

  function paperRecordOfNode(i) {
    var n = nodes[i];
    var rec = {
      date: n.date, paper_id: n.paper_id, categories: n.categories, url: n.url, abstract: n.abstract,
      authors: (n.authors || []).slice(0, 8), more: (n.authors || []).length > 8, entities: [], links: []
    };
    outEdges[i].forEach(function (j) {
      var relName = rels[edges[j][2]].name;
      var target = edges[j][1];
      if (relName === "has_code" || relName === "has_link") {
        rec.links.push({ url: nodes[target].url, label: rels[edges[j][2]].label, evidence: edges[j][4] });
      } else if (relName === "proposes" || relName === "uses") {
        rec.entities.push({ node: target, kind: nodes[target].k, name: displayName(target), proposed: relName === "proposes" });
      }
    });
    rec.entities.sort(function (x, y) { return x.name.localeCompare(y.name); });
    return rec;
  }

  function paperRecordOfTable(p) {
    var t = papers[p];
    return {
      date: t.date, paper_id: t.paper_id, categories: t.categories, url: t.url, abstract: t.abstract,
      authors: t.authors || [], more: !!t.more_authors,
      entities: (t.ents || []).map(function (e) {
        return { node: e[0], kind: e[1], name: e[2], proposed: e[3] === 1 };
      }),
      links: (t.links || []).map(function (l) { return { url: l[0], label: l[1] }; })
    };
  }

  function factsLine(n) {
    var facts = [];
    if (n.papers !== undefined) facts.push(plural(n.papers, "paper"));
    if (n.mentions) facts.push(plural(n.mentions, "mention"));
    if (facts.length) panelBody.appendChild(el("p", facts.join(" \u00b7 "), "kg-facts"));
  }

  function mapEntityPanel(i) {
    var n = nodes[i];
    if (n.aliases && n.aliases.length) panelBody.appendChild(el("p", "Also called: " + n.aliases.join(", "), "kg-aliases"));
    factsLine(n);
    if (clusters[n.c]) {
      var cl = el("p", null, "kg-facts kg-cluster-fact");
      cl.appendChild(swatch("dot", clusters[n.c].color, 12));
      cl.appendChild(el("span", "cluster " + (n.c + 1) + ": " + clusters[n.c].name));
      panelBody.appendChild(cl);
    }
    var listed = n.pp || [];
    var code = [];
    var seen = {};
    listed.forEach(function (row) {
      if (row[1] !== 1) return;
      (papers[row[0]].links || []).forEach(function (l) {
        if (!seen[l[0]]) {
          seen[l[0]] = true;
          code.push({ url: l[0], label: l[1] });
        }
      });
    });
    if (code.length) linkList(section("Code and links (from the papers that propose it)", "kg-panel-links"), code);
    var title = "Papers (" + (listed.length < (n.papers || 0) ? listed.length + " of " + formatCount(n.papers) : listed.length) + ")";
    var sec = section(title, "kg-panel-papers");
    var list = el("ul", null, "kg-list");
    listed.forEach(function (row) {
      var li = el("li", null, "kg-paper-item");
      li.appendChild(paperButton(row[0]));
      li.appendChild(roleEl(row[1] === 1));
      if (papers[row[0]].date) li.appendChild(el("span", papers[row[0]].date, "kg-weight"));
      if (row[2]) li.appendChild(el("blockquote", row[2], "kg-evidence"));
      list.appendChild(li);
    });
    if (!listed.length) list.appendChild(el("li", "No paper listed.", "kg-empty"));
    sec.appendChild(list);
    if (listed.length < (n.papers || 0)) {
      sec.appendChild(el("p", "Those proposing it first, then the newest. The query tools list all of them.", "kg-hint"));
    }
    if (n.as && n.as.length) {
      var relSec = section("Most associated with", "kg-panel-associated");
      var relList2 = el("ul", null, "kg-list kg-inline-list");
      n.as.forEach(function (row) {
        var li = el("li");
        li.appendChild(nodeButton(row[0]));
        li.appendChild(el("span", plural(row[1], "paper") + ", \u00d7" + row[2], "kg-weight"));
        relList2.appendChild(li);
      });
      relSec.appendChild(relList2);
      relSec.appendChild(el("p", "\u00d7: how many times more often together than by chance.", "kg-hint"));
    }
  }

  function entityPanel(i) {
    var n = nodes[i];
    if (n.aliases && n.aliases.length) panelBody.appendChild(el("p", "Also called: " + n.aliases.join(", "), "kg-aliases"));
    factsLine(n);
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
    var code = [];
    var codeSeen = {};
    mentions.forEach(function (j) {
      if (rels[edges[j][2]].name !== "proposes") return;
      outEdges[edges[j][0]].forEach(function (k) {
        var rn = rels[edges[k][2]].name;
        var target = edges[k][1];
        if ((rn === "has_code" || rn === "has_link") && !codeSeen[target]) {
          codeSeen[target] = true;
          code.push({ url: nodes[target].url, order: rn === "has_code" ? 0 : 1 });
        }
      });
    });
    if (code.length) {
      code.sort(function (x, y) { return x.order - y.order || x.url.localeCompare(y.url); });
      linkList(section("Code and links (from the papers that propose it)", "kg-panel-links"), code.slice(0, 30));
    }
    var sec = section("Papers (" + mentions.length + (n.papers > mentions.length ? " of " + n.papers + " in this view" : "") + ")", "kg-panel-papers");
    var list = el("ul", null, "kg-list");
    mentions.forEach(function (j) {
      var li = el("li", null, "kg-paper-item");
      li.appendChild(nodeButton(edges[j][0]));
      li.appendChild(roleEl(rels[edges[j][2]].name === "proposes"));
      if (edges[j][4]) li.appendChild(el("blockquote", edges[j][4], "kg-evidence"));
      list.appendChild(li);
    });
    if (!mentions.length) list.appendChild(el("li", "No paper in this view mentions it.", "kg-empty"));
    sec.appendChild(list);
    var related = [];
    outEdges[i].concat(inEdges[i]).forEach(function (j) {
      if (rels[edges[j][2]].name !== "co_occurs") return;
      var other = edges[j][0] === i ? edges[j][1] : edges[j][0];
      related.push([edges[j][3], displayName(other), other]);
    });
    if (related.length) {
      related.sort(function (x, y) { return y[0] - x[0] || x[1].localeCompare(y[1]); });
      var relSec = section("Often together with", "kg-panel-associated");
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

  function resourcePanel(i) {
    var n = nodes[i];
    var p = el("p", null, "kg-paper-url");
    p.appendChild(linkEl(n.url, n.url));
    panelBody.appendChild(p);
    if (n.link_kind) panelBody.appendChild(el("p", "kind: " + n.link_kind, "kg-facts"));
    var sec = section("Papers (" + inEdges[i].length + ")", "kg-panel-papers");
    var list = el("ul", null, "kg-list");
    inEdges[i].forEach(function (j) {
      var li = el("li", null, "kg-paper-item");
      li.appendChild(nodeButton(edges[j][0]));
      if (edges[j][4]) li.appendChild(el("blockquote", edges[j][4], "kg-evidence"));
      list.appendChild(li);
    });
    sec.appendChild(list);
  }

  function showPanel() {
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function openPanel(i) {
    var t = typeOf(i);
    header(t.name, t.shape, fillOf(i), displayName(i));
    if (t.name === "Paper") renderPaper(paperRecordOfNode(i));
    else if (t.name === "Repository" || t.name === "Link") resourcePanel(i);
    else if (IS_MAP) mapEntityPanel(i);
    else entityPanel(i);
    showPanel();
  }

  function openPaper(p) {
    selectedPaper = p;
    var paperType = types.filter(function (t) { return t.name === "Paper"; })[0] || { shape: "square", color: "#4e79a7" };
    header("Paper", paperType.shape, "#4e79a7", papers[p].title);
    var back = selected;
    if (back !== null) {
      var again = el("p", null, "kg-back");
      again.appendChild(el("span", "from "));
      again.appendChild(nodeButton(back));
      panelBody.insertBefore(again, panelBody.firstChild);
    }
    renderPaper(paperRecordOfTable(p));
    showPanel();
  }

  function closePanel() {
    panel.hidden = true;
    panelBody.textContent = "";
    selected = null;
    selectedPaper = null;
    network.unselectAll();
    network.redraw();
  }

  document.getElementById("kg-panel-close").addEventListener("click", closePanel);

  /* how: "pan" keeps the node clear of the panel; "neighbours" also zooms to its neighbours */
  function focusNode(i, how) {
    if (hiddenTypes[nodes[i].k]) setTypeVisible(nodes[i].k, true);
    if (IS_MAP && hiddenClusters[nodes[i].c]) {
      hiddenClusters[nodes[i].c] = false;
      clusterBoxes[nodes[i].c].checked = true;
      refreshNodes();
    }
    selected = i;
    selectedPaper = null;
    network.selectNodes([i]);
    openPanel(i);
    if (how === "neighbours") fitNodes([i].concat(neighboursOf(i)), 350);
    else keepInView(i);
    network.redraw();
  }

  /* the node under the pointer: the nearest centre among shapes under it, else the label under it */
  function nodeAtPointer(x, y) {
    var width = container.clientWidth;
    var height = container.clientHeight;
    var scale = network.getScale();
    var view = network.getViewPosition();
    var best = null;
    var bestScore = Infinity;
    for (var i = 0; i < N; i++) {
      if (nodeHidden(i)) continue;
      var p = screenOf(i, scale, view, width, height);
      if (!p) continue;
      var r = Math.max(nodes[i].s * scale, 5);
      var d = Math.sqrt((p.x - x) * (p.x - x) + (p.y - y) * (p.y - y));
      if (d <= r + 1 && d / r < bestScore) {
        best = i;
        bestScore = d / r;
      }
    }
    if (best !== null) return best;
    for (var k = placedBoxes.length - 1; k >= 0; k--) {
      var box = placedBoxes[k];
      if (x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height) return box.node;
    }
    return null;
  }

  network.on("click", function (params) {
    tooltip.hidden = true;
    var pick = nodeAtPointer(params.pointer.DOM.x, params.pointer.DOM.y);
    if (pick !== null) {
      focusNode(pick, "pan");
    } else if (!params.edges || !params.edges.length) {
      closePanel();
    } else {
      network.unselectAll();
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    if (!suggestions.hidden) {
      suggestions.hidden = true;
      return;
    }
    if (!panel.hidden) closePanel();
  });

  /* ---------- search ---------- */

  var searchKey = lib.makeSearchKey(data.spelling);
  var searchIndex = null;

  function buildIndex() {
    searchIndex = [];
    function add(names, target, weight) {
      var seen = {};
      names.forEach(function (name) {
        if (!name) return;
        var key = searchKey(name);
        if (!key || seen[key]) return;
        seen[key] = true;
        searchIndex.push({ key: key, target: target, text: String(name), weight: weight });
      });
    }
    for (var i = 0; i < N; i++) {
      var n = nodes[i];
      var names = [n.name || n.title || n.url || n.l].concat(n.aliases || []);
      if (n.url && names.indexOf(n.url) < 0) names.push(n.url);
      add(names, { node: i }, n.papers || 0);
    }
    papers.forEach(function (p, k) { add([p.title], { paper: k }, -1); });
  }

  function targetName(target) {
    return target.node !== undefined ? displayName(target.node) : papers[target.paper].title;
  }

  function findMatches(query, limit) {
    var q = searchKey(query);
    if (!q) return { hits: [], near: false };
    if (!searchIndex) buildIndex();
    var best = {};
    searchIndex.forEach(function (entry) {
      var pos = entry.key.indexOf(q);
      if (pos < 0) return;
      var rank = entry.key === q ? 0 : (pos === 0 ? 1 : 2);
      var id = entry.target.node !== undefined ? "n" + entry.target.node : "p" + entry.target.paper;
      var prev = best[id];
      if (!prev || rank < prev.rank) best[id] = { rank: rank, entry: entry };
    });
    var near = false;
    if (!Object.keys(best).length) {
      near = true;
      var limitTypos = lib.typoLimit(q.length);
      searchIndex.forEach(function (entry) {
        if (!limitTypos) return;
        var d = lib.nearness(q, entry.key, limitTypos);
        if (entry.key.length > q.length) d = Math.min(d, lib.nearness(q, entry.key.slice(0, q.length), limitTypos) + 1);
        if (d > limitTypos) return;
        var id = entry.target.node !== undefined ? "n" + entry.target.node : "p" + entry.target.paper;
        var prev = best[id];
        if (!prev || d < prev.rank) best[id] = { rank: d, entry: entry };
      });
    }
    var hits = Object.keys(best).map(function (id) {
      return { target: best[id].entry.target, rank: best[id].rank, matched: best[id].entry.text, weight: best[id].entry.weight };
    });
    hits.sort(function (x, y) {
      return x.rank - y.rank || y.weight - x.weight ||
        targetName(x.target).localeCompare(targetName(y.target));
    });
    return { hits: hits.slice(0, limit), near: near };
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
    var found = findMatches(searchInput.value, 12);
    currentHits = found.hits;
    active = -1;
    suggestions.textContent = "";
    var typed = searchInput.value.trim();
    if (!typed) {
      suggestions.hidden = true;
      searchStatus.textContent = "";
      return;
    }
    currentHits.forEach(function (hit) {
      var li = el("li", null, "kg-suggestion");
      li.setAttribute("role", "option");
      var name = targetName(hit.target);
      if (hit.target.node !== undefined) li.appendChild(swatch(typeOf(hit.target.node).shape, fillOf(hit.target.node), 12));
      else li.appendChild(swatch("square", "#4e79a7", 12));
      li.appendChild(el("span", name, "kg-suggestion-name"));
      if (hit.matched !== name) li.appendChild(el("span", "(" + hit.matched + ")", "kg-suggestion-alias"));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        pick(hit.target);
      });
      suggestions.appendChild(li);
    });
    suggestions.hidden = currentHits.length === 0;
    if (!currentHits.length) searchStatus.textContent = "Nothing matches \u201c" + typed + "\u201d.";
    else if (found.near) searchStatus.textContent = "No exact match for \u201c" + typed + "\u201d; did you mean one of these?";
    else searchStatus.textContent = "";
  }

  function pick(target) {
    suggestions.hidden = true;
    if (target.node !== undefined) {
      searchStatus.textContent = "Found: " + displayName(target.node) + " (" + typeOf(target.node).name + ")";
      focusNode(target.node, "neighbours");
    } else {
      searchStatus.textContent = "Found the paper: " + papers[target.paper].title;
      selected = null;
      network.unselectAll();
      openPaper(target.paper);
    }
  }

  searchInput.addEventListener("input", showSuggestions);
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (!suggestions.hidden && active >= 0 && currentHits[active]) {
        pick(currentHits[active].target);
        return;
      }
      var found = findMatches(searchInput.value, 1);
      if (found.hits.length && !found.near) pick(found.hits[0].target);
      else showSuggestions();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (suggestions.hidden) showSuggestions();
      setActive(active + (ev.key === "ArrowDown" ? 1 : -1));
    }
  });
  searchInput.addEventListener("blur", function () { suggestions.hidden = true; });

  /* ---------- read-only hooks for tests and benchmarks ---------- */

  function toClient(box) {
    var rect = container.getBoundingClientRect();
    return {
      x: rect.left + box.x, y: rect.top + box.y, width: box.width, height: box.height,
      text: box.text, size: box.size, id: nodes[box.node].id
    };
  }

  /* Labels drawn, nodes on screen, and how many label pairs would overlap if every
   * on-screen node had its label (what a page without culling shows). */
  function labelStats() {
    var width = container.clientWidth;
    var height = container.clientHeight;
    var scale = network.getScale();
    var viewAt = network.getViewPosition();
    var all = [];
    for (var i = 0; i < N; i++) {
      if (nodeHidden(i)) continue;
      var p = screenOf(i, scale, viewAt, width, height);
      if (!p || p.x < 0 || p.y < 0 || p.x > width || p.y > height) continue;
      var w = labelWidth(i, false);
      all.push(lib.labelSpots(p.x, p.y, Math.max(nodes[i].s * scale, 2), w, (nodes[i].f || 12) + 3)[0]);
    }
    return {
      drawn: placedBoxes.length,
      onScreen: all.length,
      overlaps: lib.countOverlaps(placedBoxes),
      overlapsIfAll: all.length <= 4000 ? lib.countOverlaps(all) : null
    };
  }

  var view = {
    mode: data.mode,
    nodeCount: N,
    edgeCount: edges.length,
    clusterCount: clusters.length,
    drawnNodeCount: function () { return network.body.nodeIndices.length; },
    drawnEdgeCount: function () { return network.body.edgeIndices.length; },
    isReady: function () { return ready; },
    isSettled: function () { return settled && ready; },
    drawnAt: function () { return drawnAt; },
    timings: function () { return Object.assign({}, timings); },
    physicsEnabled: function () { return physicsOn; },
    selected: function () {
      if (selectedPaper !== null) return papers[selectedPaper].id;
      return selected === null ? null : nodes[selected].id;
    },
    scale: function () { return network.getScale(); },
    labelBoxes: function () { return placedBoxes.map(toClient); },
    labelOverlaps: function () { return lib.countOverlaps(placedBoxes); },
    labelStats: labelStats,
    clusterOf: function (id) { var i = indexOfId[id]; return i === undefined || !IS_MAP ? null : nodes[i].c; },
    nodeColor: function (id) {
      var i = indexOfId[id];
      if (i === undefined) return null;
      var body = network.body.nodes[i];
      return body ? body.options.color.background : null;
    },
    neighbours: function (id) {
      var i = indexOfId[id];
      return i === undefined ? [] : neighboursOf(i).map(function (k) { return nodes[k].id; });
    },
    freeArea: function () {
      var rect = container.getBoundingClientRect();
      var area = freeArea();
      return { left: rect.left + area.left, top: rect.top + area.top, right: rect.left + area.right, bottom: rect.top + area.bottom };
    },
    domPosition: function (id) {
      var i = indexOfId[id];
      if (i === undefined) return null;
      var p = network.canvasToDOM(network.getPosition(i));
      var box = container.getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }
  };
  Object.defineProperty(window, "kgView", { value: Object.freeze(view), writable: false, configurable: false });
  Object.freeze(lib);
})();
