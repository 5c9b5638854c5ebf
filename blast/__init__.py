"""Blast: cascading-dependency blast-radius analysis of service dependency graphs."""

__version__ = "0.1.0"
