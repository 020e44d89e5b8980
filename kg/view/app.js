/* kg graph view: draws the embedded graph with vis-network and adds labels
 * that never overlap (labels.js), search (text.js), filters, a hover tooltip
 * and the side panel (panel.js), and the read-only window.kgView hooks.
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
  var dom = lib.dom;
  var el = dom.el;
  var swatch = dom.swatch;
  var typeSwatch = dom.typeSwatch;
  var lineSample = dom.lineSample;
  var formatCount = dom.formatCount;
  var plural = dom.plural;
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
  // the map's layout places clusters as regions; vis.js physics would only scramble it
  if (IS_MAP) physicsButton.hidden = true;
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
    // labels only where the side panel leaves the drawing visible
    var visibleWidth = Math.max(width - panelWidth(), 0);
    var placer = new lib.LabelPlacer(visibleWidth, height);
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
      if (!p || p.x < -MARGIN || p.y < -MARGIN || p.x > visibleWidth + MARGIN || p.y > height + MARGIN) return;
      var w = labelWidth(i, bold);
      var h = (nodes[i].f || 12) + 3;
      var spots = lib.labelSpots(p.x, p.y, Math.max(nodes[i].s * scale, 2), w, h, visibleWidth);
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
    relList.appendChild(el("p", "Each entity's " + (data.ties_per_entity || 3) +
      " strongest ties by association strength: papers together, relative to chance.", "kg-hint"));
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

  var sidePanel = lib.makePanel({
    data: data,
    outEdges: outEdges,
    inEdges: inEdges,
    typeOf: typeOf,
    displayName: displayName,
    fillOf: fillOf,
    panel: panel,
    body: panelBody,
    onNode: function (i) { focusNode(i, "pan"); },
    onPaper: function (p) { openPaper(p); }
  });

  function openPanel(i) { sidePanel.openNode(i); }

  function openPaper(p) {
    selectedPaper = p;
    sidePanel.openPaper(p, selected);
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

  var searchIndex = lib.makeSearchIndex(data.spelling, nodes, papers);
  function targetName(target) {
    return target.node !== undefined ? displayName(target.node) : papers[target.paper].title;
  }
  function findMatches(query, limit) { return searchIndex.find(query, limit, targetName); }

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
    var width = container.clientWidth - panelWidth();
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
