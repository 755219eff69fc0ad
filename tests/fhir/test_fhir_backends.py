"""Issue 14: the FHIR view answers the same bytes from every store backend.

The shipped graph is loaded into a real Oxigraph server and a real Virtuoso;
an app reading each answers every FHIR read and a set of searches exactly as
the embedded store does.
"""

from __future__ import annotations

import pytest
from flask import Flask

from publisher import Settings
from publisher.graph.publication import prepare
from tests.conftest import BASE, MakeApp, remote_store

pytestmark = pytest.mark.remote

SEARCHES = (
    "/fhir/metadata",
    "/fhir/Organization?name=var&_count=2",
    "/fhir/Organization?partof=organisation-var-imagerie-medicale",
    "/fhir/Location?address-city=saint",
    "/fhir/HealthcareService?specialty=http://snomed.info/sct|408455009",
    "/fhir/HealthcareService?specialty:text=conventionnelle&organization=centre-frejus",
    "/fhir/Provenance",
    "/fhir/Organization?nope=1",
    "/fhir/Organization/nowhere",
)


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_every_fhir_answer_is_the_same_on_a_remote_store(
    request: pytest.FixtureRequest, name: str, app: Flask, make_app: MakeApp
) -> None:
    server = request.getfixturevalue(f"{name}_server")
    dataset, _ = prepare(Settings())
    remote_store(server, BASE).load(dataset)
    remote = make_app(store=server.query_url, fresh=True).test_client()
    local = app.test_client()
    reads = [
        f"/fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        for kind in ("Organization", "Location", "HealthcareService")
        for entry in local.get(f"/fhir/{kind}?_count=100").get_json(force=True)["entry"]
    ]
    assert len(reads) >= 14
    for path in (*SEARCHES, *reads):
        ours, theirs = remote.get(path), local.get(path)
        assert ours.status_code == theirs.status_code, (name, path)
        assert ours.mimetype == theirs.mimetype == "application/fhir+json", (name, path)
        assert ours.get_data() == theirs.get_data(), (name, path)
