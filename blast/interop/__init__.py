"""Imports and exports: Backstage catalogs, tracing dependency links, DOT/Mermaid/GraphML/JSON."""
