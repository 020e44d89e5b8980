/* kg graph view: labels that never overlap.
 *
 * vis-network draws every label it is given, on top of each other. The page
 * gives it none and draws them itself after each frame, the way VOSviewer
 * does: nodes are taken in a fixed priority order (computed in Python: the
 * entities in most papers first), each label is tried below its node, then
 * above it, and kept only if its box overlaps no label already kept. Font
 * sizes are screen pixels, so zooming in spreads the nodes while the labels
 * keep their size and more of them fit. A uniform grid of cells makes each
 * test cost a few comparisons, so a frame with thousands of nodes stays fast.
 * Pure geometry: no DOM, no network.
 */
(function (root) {
  "use strict";
  var lib = root.kgLib || (root.kgLib = {});

  var CELL = 64;
  var PAD = 2;

  function Placer(width, height) {
    this.width = width;
    this.height = height;
    this.cols = Math.max(1, Math.ceil(width / CELL) + 2);
    this.rows = Math.max(1, Math.ceil(height / CELL) + 2);
    this.cells = new Array(this.cols * this.rows);
    this.boxes = [];
  }

  Placer.prototype._range = function (box) {
    var c0 = Math.max(0, Math.floor((box.x - PAD) / CELL) + 1);
    var c1 = Math.min(this.cols - 1, Math.floor((box.x + box.width + PAD) / CELL) + 1);
    var r0 = Math.max(0, Math.floor((box.y - PAD) / CELL) + 1);
    var r1 = Math.min(this.rows - 1, Math.floor((box.y + box.height + PAD) / CELL) + 1);
    return [c0, c1, r0, r1];
  };

  /* True when the box lies wholly on screen and overlaps no kept box. */
  Placer.prototype.fits = function (box) {
    if (box.x < 0 || box.y < 0 || box.x + box.width > this.width || box.y + box.height > this.height) return false;
    var r = this._range(box);
    for (var row = r[2]; row <= r[3]; row++) {
      for (var col = r[0]; col <= r[1]; col++) {
        var list = this.cells[row * this.cols + col];
        if (!list) continue;
        for (var k = 0; k < list.length; k++) {
          var o = list[k];
          if (box.x < o.x + o.width + PAD && o.x < box.x + box.width + PAD &&
              box.y < o.y + o.height + PAD && o.y < box.y + box.height + PAD) return false;
        }
      }
    }
    return true;
  };

  Placer.prototype.add = function (box) {
    var r = this._range(box);
    for (var row = r[2]; row <= r[3]; row++) {
      for (var col = r[0]; col <= r[1]; col++) {
        var at = row * this.cols + col;
        (this.cells[at] || (this.cells[at] = [])).push(box);
      }
    }
    this.boxes.push(box);
  };

  lib.LabelPlacer = Placer;

  /* The candidate boxes of one label: below the node, then above it; slid sideways
   * (never past the node's centre) to stay inside a screen of the given width. */
  lib.labelSpots = function (sx, sy, radius, width, height, screenWidth) {
    var x = sx - width / 2;
    if (screenWidth !== undefined) {
      if (x < 1) x = Math.min(1, sx);
      if (x + width > screenWidth - 1) x = Math.max(screenWidth - 1 - width, sx - width);
    }
    return [
      { x: x, y: sy + radius + 2, width: width, height: height },
      { x: x, y: sy - radius - 2 - height, width: width, height: height }
    ];
  };

  /* Count pairs of boxes that overlap (for tests and the benchmark). */
  lib.countOverlaps = function (boxes) {
    var n = 0;
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i];
        var b = boxes[j];
        if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) n++;
      }
    }
    return n;
  };
})(window);
