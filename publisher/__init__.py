"""Publish a radiology knowledge graph as linked data and through SPARQL."""

from publisher.app import create_app as create_app
from publisher.config import Settings as Settings

__version__ = "1.0.0"
