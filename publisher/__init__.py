"""Publish a radiology knowledge graph as linked data and through SPARQL."""

from publisher.app import create_app
from publisher.config import VERSION as __version__
from publisher.config import Settings

__all__ = ["Settings", "__version__", "create_app"]
