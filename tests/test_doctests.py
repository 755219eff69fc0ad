"""The ``>>>`` examples in the package's modules are tests too.

Only modules with at least one example are collected, and each case must run one: a
case that runs nothing cannot pass.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import publisher


def _has_examples(module: ModuleType) -> bool:
    return any(test.examples for test in doctest.DocTestFinder().find(module))


MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(publisher.__path__, prefix="publisher.")
    if _has_examples(importlib.import_module(info.name))
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_examples_are_many() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS).attempted
        for name in MODULES
    )
    assert attempted >= 20
