"""Blast's dashboard: ``python app.py --graph FILE [--host 127.0.0.1] [--port 8050]``.

Assembles the pages of :mod:`dashboard` and exposes ``server`` for WSGI servers::

    gunicorn --workers 4 --bind 127.0.0.1:8050 app:server

(``BLAST_GRAPH`` names the default graph when started that way.)
"""

from __future__ import annotations

from dashboard.cli import build_app, main

app = build_app()
server = app.server

if __name__ == "__main__":
    raise SystemExit(main())
