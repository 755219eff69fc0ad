"""The app's own answers: health, errors, caching headers, over the mini dataset."""

import pytest
from flask.testing import FlaskClient

from publisher import Settings
from tests.conftest import MakeApp


@pytest.fixture()
def mini_client(make_app: MakeApp, mini_settings: Settings) -> FlaskClient:
    return make_app(mini_settings).test_client()


def test_healthz_reports_what_is_loaded(mini_client: FlaskClient) -> None:
    response = mini_client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["quads"] > 5 and body["files"] == 3


def test_unknown_path_is_a_short_plain_text_404(mini_client: FlaskClient) -> None:
    response = mini_client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "Traceback" not in response.get_data(as_text=True)


def test_errors_answer_json_to_json_clients(mini_client: FlaskClient) -> None:
    response = mini_client.get("/no/such/thing", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_get_carries_etag_cache_control_cors_and_answers_304(mini_client: FlaskClient) -> None:
    first = mini_client.get("/healthz")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    etag = first.headers.get("ETag")
    assert etag
    again = mini_client.get("/healthz", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert mini_client.get("/healthz", headers={"If-None-Match": '"other"'}).status_code == 200


def test_browsers_get_an_html_error_page_with_the_message_escaped(mini_client: FlaskClient) -> None:
    response = mini_client.get(
        "/no/<script>", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "<h1>404 Not Found</h1>" in body and "<script>" not in body
