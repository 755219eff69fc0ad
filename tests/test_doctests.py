"""The ``>>>`` examples in the package's modules are tests too."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import publisher

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(publisher.__path__, prefix="publisher.")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_are_many() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).attempted
        for name in MODULES
    )
    assert attempted >= 20
