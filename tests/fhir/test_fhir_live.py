"""Issue 14: real FHIR clients from PyPI read and search a live ``publisher serve``.

``fhirclient`` (SMART on FHIR) parses every answer with its strict R4 models;
``fhirpy`` follows the Bundle's ``next`` links to fetch every page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fhirclient import client
from fhirclient.models.healthcareservice import HealthcareService
from fhirclient.models.location import Location
from fhirclient.models.organization import Organization
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

from tests.conftest import DATA
from tests.servers import Publisher, start_publisher

pytestmark = pytest.mark.network

SNOMED_IR = "http://snomed.info/sct|408455009"


@pytest.fixture(scope="module")
def directory_server() -> Iterator[Publisher]:
    """``publisher serve`` (gunicorn, 2 workers) over the FHIR tests' directory."""
    with start_publisher(str(DATA / "fhir"), "--no-validate") as base:
        yield base


def test_fhirclient_reads_and_searches(directory_server: Publisher) -> None:
    settings = {"app_id": "publisher-tests", "api_base": directory_server + "fhir"}
    smart = client.FHIRClient(settings=settings)
    centre = Organization.read("centre-one", smart.server)
    assert centre.name == "Alpha – Saint-Raphaël"
    group = Organization.read(centre.partOf.reference.split("/")[1], smart.server)
    assert group.partOf.reference == "Organization/network-net"
    location = Location.read("centre-two", smart.server)
    assert location.address.city == "Fréjus"
    assert location.managingOrganization.reference == "Organization/centre-two"
    search = HealthcareService.where(struct={"specialty": SNOMED_IR, "_count": "1"})
    services = list(search.perform_resources_iter(smart.server))  # two pages of one
    assert sorted(s.providedBy.reference for s in services) == [
        "Organization/centre-one",
        "Organization/centre-two",
    ]
    assert all(s.specialty[0].coding[0].code == "408455009" for s in services)


def test_fhirpy_pages_through_a_search_and_sees_refusals(directory_server: Publisher) -> None:
    fhir = SyncFHIRClient(directory_server + "fhir")
    paged = fhir.resources("HealthcareService").search(organization="centre-one").limit(1)
    names = sorted(service["name"] for service in paged.fetch_all())  # two pages of one
    assert names == ["radiologie conventionnelle", "radiologie interventionnelle"]
    cities = fhir.resources("Location").search(**{"address-city": "saint-raph"}).fetch()
    assert [c["address"]["city"] for c in cities] == ["Saint-Raphaël"]
    assert fhir.reference("Organization", "network-net").to_resource()["name"] == "Réseau Net"
    with pytest.raises(ResourceNotFound):
        fhir.reference("Organization", "nowhere").to_resource()
    with pytest.raises(OperationOutcome, match="unknown search parameter"):
        fhir.resources("Organization").search(telecom="x").fetch()


def test_the_shipped_graph_is_read_by_a_client(live_server: Publisher) -> None:
    fhir = SyncFHIRClient(live_server + "fhir")
    organizations = fhir.resources("Organization").limit(2).fetch_all()
    assert len(organizations) >= 5
    for organization in organizations:
        again = fhir.reference("Organization", organization["id"]).to_resource()
        assert again.serialize() == organization.serialize()
