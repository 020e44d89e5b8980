"""How fast and how readable the default HTML page is on real builds.

For each graph given (an ``outputs/`` folder or ``graph.json`` of a real
``kg build``, e.g. of the first 10,000 and of all 92,151 abstracts of
``../shared/data/arxiv/ai-2025-2026.jsonl.gz``) it measures, in one run:

* the default page (``kg.view.write_html(graph)``, the entity map on real
  builds): generation time, file size, time until headless Chromium has
  drawn it, labels drawn at the default zoom and after two zoom steps, and
  overlapping label pairs (always 0) against the pairs that would overlap if
  every on-screen node had its label;
* the baseline, in the same run: the page the first version wrote (papers and
  entities as nodes, the 500 most connected), so ratios compare like with like.

Loading the graph file is timed apart: it is ``kg.load``, not the view.
Generation is reported as wall time and as this process's CPU time: on a
machine shared with other jobs the wall time mostly measures the queue.

    python bench/view.py /tmp/kg10k /tmp/kg92k
    python bench/view.py --papers 10000          # build the first 10,000 abstracts first (slow)
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "arxiv" / "ai-2025-2026.jsonl.gz"
VIEWPORT = {"width": 1400, "height": 860}


def build_first(n_papers: int, folder: Path) -> Path:
    """Run ``kg build`` over the first ``n_papers`` abstracts of the corpus; return the output folder."""
    from kg.pipeline import build

    corpus = CORPUS if CORPUS.is_file() else Path("/work/shared/data/arxiv/ai-2025-2026.jsonl.gz")
    head = folder / f"first-{n_papers}.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as lines, head.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines):
            if number >= n_papers:
                break
            out.write(line)
    out_dir = folder / f"kg-{n_papers}"
    build([head], out_dir=out_dir, workers=2, validate=False)
    return out_dir


def measure_page(browser: Any, path: Path) -> dict[str, Any]:
    """Open the page; time the first drawing; count labels at the default zoom and two steps in."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.kgView && window.kgView.isReady()", timeout=300_000)
    draw_s = time.perf_counter() - start
    page.wait_for_function("kgView.isSettled()", timeout=300_000)
    page.wait_for_timeout(200)
    first = page.evaluate("kgView.labelStats()")
    box = page.locator("#kg-network").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    worst_overlaps = first["overlaps"]
    for _ in range(2):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(300)
        worst_overlaps = max(worst_overlaps, page.evaluate("kgView.labelStats()")["overlaps"])
    zoomed = page.evaluate("kgView.labelStats()")
    result = {
        "draw_s": draw_s,
        "nodes": page.evaluate("kgView.nodeCount"),
        "clusters": page.evaluate("kgView.clusterCount"),
        "labels": first["drawn"],
        "on_screen": first["onScreen"],
        "overlaps": worst_overlaps,
        "overlaps_if_all": first["overlapsIfAll"],
        "labels_zoomed": zoomed["drawn"],
        "on_screen_zoomed": zoomed["onScreen"],
        "errors": errors,
    }
    page.close()
    return result


def run(graph_path: Path, browser: Any, folder: Path, repeats: int) -> list[dict[str, Any]]:
    """Measure the default page and the baseline page of one build."""
    from kg.api import load
    from kg.view import build_page

    start = time.perf_counter()
    graph = load(graph_path).to_networkx()
    load_s = time.perf_counter() - start
    papers = sum(1 for _, kind in graph.nodes(data="kind") if kind == "Paper")
    rows = []
    for name, options in (
        ("default", {}),
        ("baseline: 500 most connected, papers as nodes", {"mode": "papers", "max_nodes": 500}),
    ):
        times = []
        cpu = []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            page, summary = build_page(graph, **options)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        path = folder / f"{papers}-{len(rows)}.html"
        path.write_text(page, encoding="utf-8")
        row = {
            "graph": graph_path,
            "papers": papers,
            "page": f"default: {'entity map' if summary.mode == 'map' else 'papers as nodes'}"
            if name == "default"
            else name,
            "load_s": load_s,
            "gen_s": statistics.median(times),
            "gen_cpu_s": statistics.median(cpu),
        }
        row["mb"] = path.stat().st_size / 1e6
        row.update(measure_page(browser, path) if browser is not None else {})
        row["summary"] = summary.message
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure every build given and print one table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "graphs", nargs="*", type=Path, help="outputs/ folders or graph.json files of real builds"
    )
    parser.add_argument("--papers", type=int, nargs="*", default=[], help="build the first N abstracts first")
    parser.add_argument("--repeats", type=int, default=1, help="generation runs per page (median reported)")
    args = parser.parse_args(argv)
    has_browser = Path(CHROMIUM).exists()
    load_before = f"{os.getloadavg()[0]:.1f}"
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-view-") as tmp:
        folder = Path(tmp)
        graphs = list(args.graphs) + [build_first(n, folder) for n in args.papers]
        if not graphs:
            parser.error("give at least one build (a folder or graph.json) or --papers N")
        from contextlib import ExitStack

        with ExitStack() as stack:
            browser = None
            if has_browser:
                from playwright.sync_api import sync_playwright

                pw = stack.enter_context(sync_playwright())
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                stack.callback(browser.close)
            for graph_path in graphs:
                rows.extend(run(graph_path, browser, folder, args.repeats))
    print(f"load average during the run: {load_before} -> {os.getloadavg()[0]:.1f} (2 cores)")
    print(
        "| papers | page | load s | generate s (CPU s) | MB | draw s | generate + draw s | nodes | clusters "
        "| labels | overlaps | overlaps if all labelled | labels after 2 zoom steps |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        draw = row.get("draw_s")
        total = f"{row['gen_s'] + draw:.2f}" if draw is not None else "-"
        print(
            f"| {row['papers']:,} | {row['page']} | {row['load_s']:.1f} | {row['gen_s']:.2f} ({row['gen_cpu_s']:.2f}) "
            f"| {row['mb']:.1f} | {draw:.2f} | {total} | {row.get('nodes', '-')} | {row.get('clusters', '-')} | {row.get('labels', '-')} "
            f"| {row.get('overlaps', '-')} | {row.get('overlaps_if_all', '-')} "
            f"| {row.get('labels_zoomed', '-')} of {row.get('on_screen_zoomed', '-')} on screen |"
            if draw is not None
            else f"| {row['papers']:,} | {row['page']} | {row['load_s']:.1f} | {row['gen_s']:.2f} | {row['mb']:.1f} | - | - | - | - | - | - | - | - |"
        )
    for row in rows:
        if row.get("errors"):
            print(
                f"console errors on {row['papers']:,} / {row['page']}: {row['errors'][:3]}", file=sys.stderr
            )
    pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
    for default, baseline in pairs:
        if default.get("draw_s") is not None:
            ratio = (default["gen_s"] + default["draw_s"]) / (baseline["gen_s"] + baseline["draw_s"])
            print(
                f"{default['papers']:,} papers: default page generate + draw = {ratio:.2f} x the baseline's"
            )
    if not has_browser:
        print(f"({CHROMIUM} not found: browser figures skipped)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
