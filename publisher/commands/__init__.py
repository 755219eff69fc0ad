"""Subcommands beyond the core ones: every module here lists its click commands in
``COMMANDS``, and :mod:`publisher.cli` adds them to the group."""

from __future__ import annotations

import importlib
import pkgutil

import click


def commands() -> list[click.Command]:
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "COMMANDS", ()))
    return found
