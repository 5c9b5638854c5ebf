"""The Blast dashboard: the only package (with ``app.py``) that imports Dash.

Pure modules (``store``, ``clusters``, ``positions``, ``elements``, ``panel``,
``exports``, ``state``) turn the library's results into plain data and Plotly or
Cytoscape structures; they are unit-tested directly. ``pages/`` holds the Dash
layouts and callbacks, each callback a few lines that call those functions;
``server.py`` assembles the pages into one app.
"""
