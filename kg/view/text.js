/* kg graph view: forgiving name matching for the search box.
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

  /* How many typos a query of this length may hold and still suggest a name. */
  lib.typoLimit = function (length) {
    if (length < 4) return 0;
    if (length < 7) return 1;
    if (length < 12) return 2;
    return 3;
  };
})(window);
