from publisher.graph.sources import load
from publisher.validation.shapes import validate_dataset
from tests.conftest import BASE, DATA, MINI


def test_mini_dataset_conforms_but_reports_the_seo_warning() -> None:
    report = validate_dataset(load([MINI], BASE))
    assert report.passes()
    assert not report.passes(strict=True)
    [warning] = report.warnings
    assert warning.severity == "Warning"
    assert warning.focus_node == BASE + "id/centre/alpha"
    assert warning.focus_label == "Alpha centre"
    assert warning.path == "https://schema.org/telephone"


def test_violation_names_focus_node_path_and_message() -> None:
    report = validate_dataset(load([MINI, DATA / "broken" / "nameless-centre.ttl"], BASE))
    assert not report.passes()
    [violation] = report.violations
    assert violation.focus_node == BASE + "id/centre/nameless"
    assert violation.path == "https://schema.org/name"
    assert violation.message == "A centre needs a name."
    assert "VIOLATION" in report.to_text() and "Sans nom" in report.to_text()
