/* kg graph view: the side panel, what a click or a search opens.
 *
 * An entity lists its facts, the code of the papers that propose it, its
 * papers with role and evidence sentence, and the entities it is most tied
 * to; a paper lists its entities and code before its abstract. On the
 * entity map the papers come from the page's paper table (papers are not
 * nodes there); on a papers page from the graph's edges. Text goes into the
 * DOM only through kgLib.dom. makePanel(app) takes the page's data, its
 * adjacency and two callbacks (app.onNode(i), app.onPaper(p)) for the
 * buttons it draws.
 */
(function (root) {
  "use strict";
  var lib = root.kgLib || (root.kgLib = {});

  lib.makePanel = function (app) {
    var dom = lib.dom;
    var el = dom.el;
    var linkEl = dom.linkEl;
    var swatch = dom.swatch;
    var typeSwatch = dom.typeSwatch;
    var formatCount = dom.formatCount;
    var plural = dom.plural;
    var data = app.data;
    var nodes = data.nodes;
    var edges = data.edges;
    var types = data.types;
    var rels = data.relations;
    var clusters = data.clusters || [];
    var papers = data.papers || [];
    var IS_MAP = data.mode === "map";
    var outEdges = app.outEdges;
    var inEdges = app.inEdges;
    var typeOf = app.typeOf;
    var displayName = app.displayName;
    var fillOf = app.fillOf;
    var panel = app.panel;
    var panelBody = app.body;

    function nodeButton(i, text) {
      var btn = el("button", text || displayName(i), "kg-node-link");
      btn.type = "button";
      btn.setAttribute("data-node", nodes[i].id);
      btn.addEventListener("click", function () { app.onNode(i); });
      return btn;
    }

    function paperButton(p) {
      var btn = el("button", papers[p].title, "kg-node-link");
      btn.type = "button";
      btn.setAttribute("data-paper", papers[p].id);
      btn.addEventListener("click", function () { app.onPaper(p); });
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

    /* The panel of node i: a paper, a repository or link, or an entity (map or papers page). */
    function openNode(i) {
      var t = typeOf(i);
      header(t.name, t.shape, fillOf(i), displayName(i));
      if (t.name === "Paper") renderPaper(paperRecordOfNode(i));
      else if (t.name === "Repository" || t.name === "Link") resourcePanel(i);
      else if (IS_MAP) mapEntityPanel(i);
      else entityPanel(i);
      showPanel();
    }

    /* The panel of paper p of the map's paper table, with a way back to node `from` (or null). */
    function openPaper(p, from) {
      var paperType = types.filter(function (t) { return t.name === "Paper"; })[0] || { shape: "square" };
      header("Paper", paperType.shape, "#4e79a7", papers[p].title);
      if (from !== null && from !== undefined) {
        var again = el("p", null, "kg-back");
        again.appendChild(el("span", "from "));
        again.appendChild(nodeButton(from));
        panelBody.insertBefore(again, panelBody.firstChild);
      }
      renderPaper(paperRecordOfTable(p));
      showPanel();
    }

    return { openNode: openNode, openPaper: openPaper };
  };
})(window);
