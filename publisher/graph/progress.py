"""Progress of long work (files parsed, triples loaded, shapes checked).

On a terminal a one-line bar is redrawn in place; anywhere else (a log file, a
pipe, a service manager) each stage gets plain lines: when it starts, when it
ends and how long it took, so a log stays readable. Library code reports to
:func:`current`, which is silent until a command picks a reporter with
:func:`use`, so tests and imports print nothing.

>>> import io
>>> out = io.StringIO()
>>> with use(for_stream(out)):
...     with current().stage("parsing files", total=2, unit="files") as step:
...         step(1)
...         step(1)
>>> print(out.getvalue().replace("0.0 s", "T"))  # doctest: +ELLIPSIS
parsing files: 0/2 files
parsing files: done, 2/2 files in T
<BLANKLINE>
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Step = Callable[[int], None]
BAR_WIDTH = 24


class Progress:
    """Reports stages; the base class says nothing (the default for library use)."""

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Step]:
        """A stage of ``total`` units; call the yielded function with each amount done."""
        yield lambda amount: None

    def note(self, text: str) -> None:
        """A one-off line (e.g. "validation result taken from the cache")."""


class LineProgress(Progress):
    """Plain lines: one when a stage starts, one when it ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Step]:
        done = 0
        started = time.monotonic()
        count = _count(0, total, unit)
        self._write(f"{name}: {count}" if count else f"{name}...")
        lock = threading.Lock()

        def step(amount: int) -> None:
            nonlocal done
            with lock:
                done += amount

        yield step
        took = time.monotonic() - started
        self._write(_closing(name, done, total, unit, took))

    def note(self, text: str) -> None:
        self._write(text)


class BarProgress(LineProgress):
    """A bar redrawn in place on a terminal, then the same closing line as LineProgress."""

    def __init__(self, stream: TextIO, interval: float = 0.1) -> None:
        super().__init__(stream)
        self.interval = interval
        self._lock = threading.Lock()

    def _draw(self, name: str, done: int, total: int | None, unit: str, started: float) -> None:
        took = time.monotonic() - started
        if total:
            filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
            bar = "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "] "
        else:
            bar = ""
        line = f"\r{name} {bar}{_count(done, total, unit)} {took:.1f} s"
        self.stream.write(line + "\x1b[K")
        self.stream.flush()

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Step]:
        done, started, drawn = 0, time.monotonic(), 0.0
        self._draw(name, 0, total, unit, started)

        def step(amount: int) -> None:
            nonlocal done, drawn
            with self._lock:
                done += amount
                now = time.monotonic()
                if now - drawn >= self.interval or (total and done >= total):
                    drawn = now
                    self._draw(name, done, total, unit, started)

        yield step
        took = time.monotonic() - started
        self.stream.write("\r\x1b[K")
        self._write(_closing(name, done, total, unit, took))


def _closing(name: str, done: int, total: int | None, unit: str, took: float) -> str:
    count = _count(done, total, unit)
    return f"{name}: done, {count} in {took:.1f} s" if count else f"{name}: done in {took:.1f} s"


def _count(done: int, total: int | None, unit: str) -> str:
    if total is None:
        return f"{done:,} {unit}".strip() if done else ""
    return f"{done:,}/{total:,} {unit}".strip()


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream) if isatty is not None and isatty() else LineProgress(stream)


_current: Progress = Progress()


def current() -> Progress:
    """The reporter commands chose (silent unless :func:`use` set one)."""
    return _current


@contextmanager
def use(progress: Progress) -> Iterator[Progress]:
    """Report through ``progress`` inside the block."""
    global _current
    previous, _current = _current, progress
    try:
        yield progress
    finally:
        _current = previous
