"""Make the README's pictures of the HTML view in headless Chromium.

    python docs/screenshots.py GRAPH                # the map of a build and one zoomed cluster
    python docs/screenshots.py GRAPH --cluster 3 --select "3D Gaussian Splatting"
    python docs/screenshots.py --sample             # the bundled sample (papers as nodes)

GRAPH is an ``outputs/`` folder or ``graph.json`` of a real build (the README
uses the build of all 92,151 abstracts of ai-2025-2026.jsonl.gz). Writes
``docs/map.png`` (the default page at its default zoom), ``docs/map-cluster.png``
(one cluster zoomed from the legend, optionally with an entity's side panel)
and, with ``--sample``, ``docs/screenshot.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 860}


def _open(browser, path: Path):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
    page.goto(path.as_uri())
    page.wait_for_function("window.kgView && window.kgView.isSettled()", timeout=300_000)
    page.wait_for_timeout(400)
    return page


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots asked for; print where they went."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph", nargs="?", type=Path, help="outputs/ folder or graph.json of a build")
    parser.add_argument("--cluster", type=int, default=1, help="cluster to zoom into (0 is the largest)")
    parser.add_argument("--select", default=None, help="open this entity's side panel in the zoomed picture")
    parser.add_argument("--title", default=None, help="page title (default: from the number of papers)")
    parser.add_argument("--sample", action="store_true", help="also picture the bundled sample")
    args = parser.parse_args(argv)
    if args.graph is None and not args.sample:
        parser.error("give a GRAPH, --sample or both")

    from playwright.sync_api import sync_playwright

    from kg.api import load
    from kg.view import write_html

    with tempfile.TemporaryDirectory(prefix="kg-shots-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        if args.graph is not None:
            graph = load(args.graph).to_networkx()
            papers = sum(1 for _, kind in graph.nodes(data="kind") if kind == "Paper")
            title = args.title or f"kg: {papers:,} arXiv AI abstracts, 2025-2026"
            path = Path(tmp) / "map.html"
            write_html(graph, path, title=title)
            del graph
            page = _open(browser, path)
            page.screenshot(path=str(DOCS / "map.png"))
            print(f"wrote {DOCS / 'map.png'}: {page.evaluate('kgView.labelStats()')}")
            page.click(f"button.kg-cluster-name[data-cluster='{args.cluster}']")
            page.wait_for_timeout(800)
            if args.select:
                page.fill("#kg-search", args.select)
                page.press("#kg-search", "Enter")
                page.wait_for_timeout(800)
            page.mouse.move(5, VIEWPORT["height"] - 5)
            page.screenshot(path=str(DOCS / "map-cluster.png"))
            print(f"wrote {DOCS / 'map-cluster.png'}: {page.evaluate('kgView.labelStats()')}")
            page.close()
        if args.sample:
            from kg.api import build

            path = Path(tmp) / "sample.html"
            build().to_html(path, title="kg: the bundled Daily Papers sample (49 papers)")
            page = _open(browser, path)
            page.fill("#kg-search", "domain generalisation")
            page.press("#kg-search", "Enter")
            page.wait_for_timeout(800)
            page.screenshot(path=str(DOCS / "screenshot.png"))
            print(f"wrote {DOCS / 'screenshot.png'}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
