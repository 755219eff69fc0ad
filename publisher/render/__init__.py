"""Rendering: pure functions from graphs to HTML, JSON-LD and RDF bytes."""
