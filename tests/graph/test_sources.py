from pathlib import Path

import pytest

from publisher.graph.sources import RdfSyntaxError, SourceError, discover, graph_iri, load
from tests.conftest import BASE, DATA, MINI


def test_files_get_the_graph_of_their_folder() -> None:
    assert sorted(s.role for s in discover([MINI])) == ["data", "ontology", "shapes"]


def test_relative_iris_resolve_against_the_base_url() -> None:
    dataset = load([MINI], "https://radiologie.example/")
    graph = dataset.rdflib_graph("data")
    subjects = {str(s) for s in graph.subjects()}
    assert subjects == {"https://radiologie.example/id/centre/alpha"}
    assert graph_iri("https://radiologie.example/", "data").encode() in dataset.nquads


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        load([DATA / "broken" / "syntax.ttl"], BASE)
    error = caught.value
    assert error.path.name == "syntax.ttl"
    assert error.line == 4
    assert "syntax.ttl:4:" in str(error)


def test_missing_and_non_rdf_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        discover([tmp_path / "absent.ttl"])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(SourceError, match="not an RDF file"):
        discover([text])


def test_folders_skip_files_that_are_not_rdf(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "page.txt").write_text("source text")
    (tmp_path / "data" / "a.nt").write_text("<http://a/s> <http://a/p> <http://a/o> .\n")
    assert [s.path.name for s in discover([tmp_path])] == ["a.nt"]
