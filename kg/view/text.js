/* kg graph view: forgiving name matching and the search index of the search box.
 *
 * searchKey() is the twin of kg.view.spelling.search_key in Python: lower
 * case, no accents, no spaces or punctuation, British spellings folded into
 * American ones by the rules the page data carries (data/spelling.tsv), so
 * "low rank adaptation", "Low-Rank Adaptation" and "LOW-RANK ADAPTATION"
 * are one key, and "colour" finds "color". nearness() is a bounded
 * Damerau-Levenshtein distance for "did you mean" suggestions.
 * Pure functions: no DOM, no network.
 */
(function (root) {
  "use strict";
  var lib = root.kgLib || (root.kgLib = {});

  var WORD_BREAK = /[^\p{L}\p{N}]+/u;
  var MARKS = /[\u0300-\u036f]/g;

  /* Return a function text -> search key, for the given [british, american, where] rules. */
  lib.makeSearchKey = function (rules) {
    var any = [];
    var end = [];
    (rules || []).forEach(function (rule) {
      (rule[2] === "end" ? end : any).push(rule);
    });
    // rules arrive longest first (the Python loader sorts them); keep that order
    function foldWord(word) {
      for (var a = 0; a < any.length; a++) {
        if (word.indexOf(any[a][0]) >= 0) word = word.split(any[a][0]).join(any[a][1]);
      }
      for (var e = 0; e < end.length; e++) {
        var suffix = end[e][0];
        if (word.length >= suffix.length && word.slice(word.length - suffix.length) === suffix) {
          return word.slice(0, word.length - suffix.length) + end[e][1];
        }
      }
      return word;
    }
    return function searchKey(text) {
      var plain = String(text || "").normalize("NFKD").replace(MARKS, "").toLowerCase().replace(/\u00df/g, "ss");
      var words = plain.split(WORD_BREAK);
      var out = "";
      for (var w = 0; w < words.length; w++) {
        if (words[w]) out += foldWord(words[w]);
      }
      return out;
    };
  };

  /* Edit distance with transpositions, or limit + 1 as soon as it must exceed limit. */
  lib.nearness = function (a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null;
    var prev = new Array(b.length + 1);
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      var cur = new Array(b.length + 1);
      cur[0] = i;
      var best = cur[0];
      for (var k = 1; k <= b.length; k++) {
        var cost = a.charAt(i - 1) === b.charAt(k - 1) ? 0 : 1;
        var v = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + cost);
        if (prev2 && i > 1 && k > 1 && a.charAt(i - 1) === b.charAt(k - 2) && a.charAt(i - 2) === b.charAt(k - 1)) {
          v = Math.min(v, prev2[k - 2] + 1);
        }
        cur[k] = v;
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  };

  /* The search index of a page: every node's name, aliases and URL, and (on the map)
   * every paper title of the side panel's table. find(query, limit, nameOf) returns
   * {hits, near}: hits ranked exact, then prefix, then substring (more papers first);
   * when nothing contains the query, near names within a few typos, and near = true. */
  lib.makeSearchIndex = function (spelling, nodes, papers) {
    var searchKey = lib.makeSearchKey(spelling);
    var entries = null;

    function build() {
      entries = [];
      function add(names, target, weight) {
        var seen = {};
        names.forEach(function (name) {
          if (!name) return;
          var key = searchKey(name);
          if (!key || seen[key]) return;
          seen[key] = true;
          entries.push({ key: key, target: target, text: String(name), weight: weight });
        });
      }
      for (var i = 0; i < nodes.length; i++) {
        var n = nodes[i];
        var names = [n.name || n.title || n.url || n.l].concat(n.aliases || []);
        if (n.url && names.indexOf(n.url) < 0) names.push(n.url);
        add(names, { node: i }, n.papers || 0);
      }
      (papers || []).forEach(function (p, k) { add([p.title], { paper: k }, -1); });
    }

    function idOf(target) { return target.node !== undefined ? "n" + target.node : "p" + target.paper; }

    function find(query, limit, nameOf) {
      var q = searchKey(query);
      if (!q) return { hits: [], near: false };
      if (!entries) build();
      var best = {};
      entries.forEach(function (entry) {
        var pos = entry.key.indexOf(q);
        if (pos < 0) return;
        var rank = entry.key === q ? 0 : (pos === 0 ? 1 : 2);
        var id = idOf(entry.target);
        if (!best[id] || rank < best[id].rank) best[id] = { rank: rank, entry: entry };
      });
      var near = false;
      if (!Object.keys(best).length) {
        near = true;
        var typos = lib.typoLimit(q.length);
        if (typos) {
          entries.forEach(function (entry) {
            var d = lib.nearness(q, entry.key, typos);
            if (entry.key.length > q.length) d = Math.min(d, lib.nearness(q, entry.key.slice(0, q.length), typos) + 1);
            if (d > typos) return;
            var id = idOf(entry.target);
            if (!best[id] || d < best[id].rank) best[id] = { rank: d, entry: entry };
          });
        }
      }
      var hits = Object.keys(best).map(function (id) {
        var e = best[id].entry;
        return { target: e.target, rank: best[id].rank, matched: e.text, weight: e.weight };
      });
      hits.sort(function (x, y) {
        return x.rank - y.rank || y.weight - x.weight || nameOf(x.target).localeCompare(nameOf(y.target));
      });
      return { hits: hits.slice(0, limit), near: near };
    }

    return { key: searchKey, find: find };
  };

  /* How many typos a query of this length may hold and still suggest a name. */
  lib.typoLimit = function (length) {
    if (length < 4) return 0;
    if (length < 7) return 1;
    if (length < 12) return 2;
    return 3;
  };
})(window);
