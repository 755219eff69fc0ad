"""The ``>>>`` examples in the server's modules are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "publisher.labels",
    "publisher.render.links",
    "publisher.render.text",
    "publisher.render.rdf",
    "publisher.render.jsonld",
    "publisher.cli",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
