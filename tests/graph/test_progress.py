"""Long commands report progress: a bar on a terminal, plain lines anywhere else."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import cli
from publisher.graph import progress
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parents[2]


def run_validate(stderr_to_terminal: bool, cache: Path) -> tuple[int, str]:
    """``publisher validate MINI`` as a real process; its exit status and stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PUBLISHER_VALIDATION_CACHE": str(cache)}
    args = [sys.executable, "-m", "publisher", "validate", str(MINI)]
    if not stderr_to_terminal:
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, timeout=120)
        return done.returncode, done.stderr.decode()
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode()


def test_plain_lines_when_not_on_a_terminal(tmp_path: Path) -> None:
    code, err = run_validate(False, tmp_path / "cache")
    assert code == 0
    lines = err.splitlines()
    assert "parsing files: 0/3 files" in lines
    assert any(line.startswith("parsing files: done, 3/3 files in ") for line in lines)
    assert any(line.startswith("checking shapes: done, ") for line in lines)
    assert "\r" not in err and "\x1b" not in err


def test_bar_on_a_terminal(tmp_path: Path) -> None:
    code, err = run_validate(True, tmp_path / "cache")
    assert code == 0
    assert "\rparsing files [" in err and "#" in err and "\x1b[K" in err
    assert "parsing files: done, 3/3 files in " in err
    assert "checking shapes: done, " in err


def test_second_run_says_it_used_the_cache(tmp_path: Path) -> None:
    run_validate(False, tmp_path / "cache")
    code, err = run_validate(False, tmp_path / "cache")
    assert code == 0
    assert "validation result taken from the cache" in err
    assert "checking shapes" not in err


def test_export_reports_progress(tmp_path: Path) -> None:
    env = {"PUBLISHER_VALIDATION_CACHE": str(tmp_path / "cache")}
    result = CliRunner().invoke(
        cli, ["export", str(MINI), "--out", str(tmp_path / "site")], env=env
    )
    assert result.exit_code == 0, result.output
    assert "parsing files: done, 3/3 files in " in result.stderr
    assert "checking shapes: done, " in result.stderr


def test_library_use_is_silent_by_default() -> None:
    assert type(progress.current()) is progress.Progress


def test_stream_choice_follows_isatty() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(progress.for_stream(Terminal()), progress.BarProgress)
    assert type(progress.for_stream(io.StringIO())) is progress.LineProgress


def test_bar_fills_to_the_total() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = progress.BarProgress(out, interval=0)
    with bar.stage("checking shapes", total=4, unit="steps") as step:
        for _ in range(4):
            step(1)
    text = out.getvalue()
    assert "[" + "#" * progress.BAR_WIDTH + "] 4/4 steps" in text
    assert "\r\x1b[Kchecking shapes: done, 4/4 steps in " in text  # the bar is wiped first


def test_serve_start_up_reports_progress(tmp_path: Path) -> None:
    """Refused data stops serve after start-up, so its progress lines can be read."""
    from tests.conftest import DATA

    env = {"PUBLISHER_VALIDATION_CACHE": str(tmp_path / "cache")}
    broken = str(DATA / "broken" / "nameless-centre.ttl")
    result = CliRunner().invoke(cli, ["serve", str(MINI), broken], env=env)
    assert result.exit_code == 1
    assert "parsing files: done, 4/4 files in " in result.stderr
    assert "checking shapes: done, " in result.stderr
