import json

from click.testing import CliRunner

from publisher.cli import cli
from tests.conftest import DATA, MINI


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_help_lists_the_subcommands() -> None:
    code, output = run("--help")
    assert code == 0
    assert "validate" in output and "serve" in output


def test_validate_passes_with_warnings_and_fails_them_when_strict() -> None:
    assert run("validate", str(MINI))[0] == 0
    assert run("validate", "--strict", str(MINI))[0] == 1


def test_validate_fails_on_violations_with_a_readable_report() -> None:
    code, output = run("validate", str(MINI), str(DATA / "broken" / "nameless-centre.ttl"))
    assert code == 1
    assert "A centre needs a name." in output


def test_validate_json_report_is_machine_readable() -> None:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(MINI)])
    report = json.loads(result.stdout)  # progress lines go to stderr
    assert result.exit_code == 0 and report["results"][0]["severity"] == "Warning"


def test_validate_names_the_file_and_line_of_a_syntax_error() -> None:
    code, output = run("validate", str(DATA / "broken" / "syntax.ttl"))
    assert code == 2
    assert "syntax.ttl:4:" in output


def test_serve_refuses_invalid_data() -> None:
    code, output = run("serve", str(MINI), str(DATA / "broken" / "nameless-centre.ttl"))
    assert code == 1
    assert "A centre needs a name." in output and "--no-validate" in output
