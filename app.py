"""Blast's dashboard: ``python app.py --graph FILE [--scenario FILE] [--host H] [--port P]``.

Assembles the pages of :mod:`dashboard` and exposes ``server`` for WSGI servers::

    BLAST_GRAPH=graphs/examples/shop.yaml gunicorn --workers 4 --preload \\
        --bind 127.0.0.1:8050 app:server

``BLAST_GRAPH`` names the default graph when started that way; with ``--preload``
its analysis is computed once and shared by the workers.
"""

from __future__ import annotations

from dashboard.cli import build_app, main

if __name__ == "__main__":
    raise SystemExit(main())

app = build_app(warm=True)
server = app.server
