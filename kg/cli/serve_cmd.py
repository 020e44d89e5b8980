"""``kg serve``: the CLI face of :func:`kg.serve.serve` (prints the URL, logs requests to stderr)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click


@click.command("serve")
@click.argument("path", default="outputs", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (use 0.0.0.0 only on a trusted network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port; 0 picks a free one.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds a query may take (waiting for a worker included) before it is stopped with a 503.")
@click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows or triples per answer; longer answers are cut off.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1),
              help="Query worker processes (queries that run at the same time).")
@click.option("--max-connections", default=64, show_default=True, type=click.IntRange(min=1),
              help="Connections handled at the same time; the slowest is dropped for a new one.")
@click.option("--request-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds a client has to send its whole request (line, headers and body).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
def serve(
    path: Path,
    host: str,
    port: int,
    timeout: float,
    max_results: int,
    workers: int,
    max_connections: int,
    request_timeout: float,
    quiet: bool,
) -> None:
    """Serve a graph over HTTP: a read-only SPARQL endpoint and the HTML view.

    PATH is an outputs/ folder written by `kg build` (the default; its
    graph.oxigraph/ store is opened read-only when there is one) or a graph
    file (.nt, .ttl, .jsonld, .json, .jsonl). Routes: /sparql (SPARQL 1.1
    Protocol, GET and POST; JSON, XML, CSV or TSV results by Accept, 406 for
    an Accept it cannot serve, gzip when accepted, CORS for any origin;
    without a query its Service Description, or in a browser the YASGUI
    editor), / (graph view), /query (a plain query form), /graph.ttl,
    /graph.nt, /graph.jsonld. The prefixes rdf rdfs xsd owl skos dcterms
    schema prov dcat kg are predeclared.
    Queries run in worker processes that are stopped at the time limit and
    cannot reach the network. Stop with Ctrl-C.

    \b
    Examples:
      kg serve
      kg serve outputs/ --port 8080 --timeout 30
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
        http://127.0.0.1:8000/sparql
    """
    from kg.serve import serve as run_serve

    logger = logging.getLogger("kg.serve")
    handler: logging.Handler | None = None
    if not quiet:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    def ready(server: Any) -> None:
        size = f"{server.graph.triples:,} triples" if server.graph.triples is not None else "Oxigraph store"
        click.echo(f"kg: serving {path} ({size})", err=True)
        click.echo(f"  SPARQL endpoint  {server.url}sparql (YASGUI editor in a browser)", err=True)
        click.echo(f"  graph view       {server.url}", err=True)
        click.echo(f"  query page       {server.url}query", err=True)
        if not server.pool.sandboxed:
            click.echo("  note: this system allows no network sandbox for query workers;"
                       " SERVICE is still refused by the query check", err=True)
        click.echo(server.url)
        sys.stdout.flush()

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)  # stop cleanly on SIGTERM as on Ctrl-C
    try:
        run_serve(
            path,
            host=host,
            port=port,
            timeout=timeout,
            max_results=max_results,
            workers=workers,
            max_connections=max_connections,
            request_timeout=request_timeout,
            ready=ready,
        )
    except KeyboardInterrupt:
        click.echo("kg: stopped", err=True)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        if handler is not None:
            logger.removeHandler(handler)
