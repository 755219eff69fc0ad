"""Validation results are reused while data and shapes are unchanged, and only then."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import cli
from publisher.config import Settings
from publisher.graph import progress
from publisher.graph.publication import Publication, prepare
from publisher.graph.sources import load
from publisher.validation.cache import ValidationCache
from tests.conftest import DATA, MINI

BASE = "http://127.0.0.1:8080/"
CACHED = "validation result taken from the cache"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A private copy of the mini dataset, so tests can edit it."""
    copy = tmp_path / "mini"
    shutil.copytree(MINI, copy)
    return copy


def notes(run: object, *args: object) -> tuple[object, str]:
    """What ``run(*args)`` returns and the progress lines it printed."""
    out = io.StringIO()
    with progress.use(progress.LineProgress(out)):
        result = run(*args)  # type: ignore[operator]
    return result, out.getvalue()


def first_data_file(folder: Path) -> Path:
    return next(s.path for s in load([folder], BASE).sources if s.role == "data")


def test_key_follows_content_not_time(files: Path, tmp_path: Path) -> None:
    cache = ValidationCache(tmp_path / "cache")
    key = cache.key(load([files], BASE))
    data = first_data_file(files)
    data.touch()
    assert cache.key(load([files], BASE)) == key  # same bytes, same key
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.key(load([files], BASE)) != key
    assert cache.key(load([files], "https://example.org/")) != cache.key(load([files], BASE))


def test_shape_change_misses_the_cache(files: Path, tmp_path: Path) -> None:
    cache = ValidationCache(tmp_path / "cache")
    key = cache.key(load([files], BASE))
    shapes = next(s.path for s in load([files], BASE).sources if s.role == "shapes")
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.key(load([files], BASE)) != key


def test_restart_with_unchanged_files_reuses_the_report(files: Path, tmp_path: Path) -> None:
    settings = Settings(data_paths=(files,), validation_cache=str(tmp_path / "cache"))
    (_, first), said = notes(prepare, settings)
    assert CACHED not in said and "checking shapes" in said
    (_, second), said = notes(prepare, settings)
    assert CACHED in said and "checking shapes" not in said
    assert second is not None and first is not None
    assert second.results == first.results and second.conforms == first.conforms
    assert second.graph.serialize(format="nt") and len(second.graph) == len(first.graph)


def test_reload_after_an_edit_validates_again_and_refuses_bad_data(
    files: Path, tmp_path: Path
) -> None:
    settings = Settings(data_paths=(files,), validation_cache=str(tmp_path / "cache"))
    publication = Publication.open(settings)
    _, said = notes(publication.reload)
    assert CACHED in said
    shutil.copy(DATA / "broken" / "nameless-centre.ttl", files / "data" / "nameless-centre.ttl")
    from publisher.graph.publication import ValidationFailed

    with pytest.raises(ValidationFailed) as failure:
        notes(publication.reload)
    assert "A centre needs a name." in str(failure.value)
    # The failing result is cached too, and still fails.
    with pytest.raises(ValidationFailed):
        prepare(settings)


def test_unreadable_entry_is_ignored(files: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    settings = Settings(data_paths=(files,), validation_cache=str(folder))
    prepare(settings)
    for entry in folder.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    (_, report), said = notes(prepare, settings)
    assert CACHED not in said and report is not None and report.passes()


def test_cache_can_be_turned_off(files: Path, tmp_path: Path) -> None:
    settings = Settings(data_paths=(files,), validation_cache="off")
    notes(prepare, settings)
    _, said = notes(prepare, settings)
    assert CACHED not in said


def test_validate_command_uses_the_cache(files: Path, tmp_path: Path) -> None:
    env = {"PUBLISHER_VALIDATION_CACHE": str(tmp_path / "cache")}
    runner = CliRunner()
    first = runner.invoke(cli, ["validate", "--format", "json", str(files)], env=env)
    second = runner.invoke(cli, ["validate", "--format", "json", str(files)], env=env)
    assert first.exit_code == second.exit_code == 0
    assert CACHED not in first.stderr and CACHED in second.stderr
    assert first.stdout == second.stdout
