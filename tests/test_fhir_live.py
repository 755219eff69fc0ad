"""Issue 14: real FHIR clients from PyPI read and search a live ``publisher serve``.

``fhirclient`` (SMART on FHIR) parses every answer with its strict R4 models;
``fhirpy`` follows the Bundle's ``next`` links to fetch every page.
"""

from __future__ import annotations

import pytest
from fhirclient import client
from fhirclient.models.healthcareservice import HealthcareService
from fhirclient.models.location import Location
from fhirclient.models.organization import Organization
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

from tests.conftest import LiveServer

pytestmark = pytest.mark.network

SNOMED_IR = "http://snomed.info/sct|408455009"


def test_fhirclient_reads_and_searches(live_server: LiveServer) -> None:
    smart = client.FHIRClient(
        settings={"app_id": "publisher-tests", "api_base": live_server + "fhir"}
    )
    centre = Organization.read("centre-frejus", smart.server)
    assert centre.name.endswith("Fréjus")
    group = Organization.read(centre.partOf.reference.split("/")[1], smart.server)
    assert group.partOf.reference == "Organization/network-vidi"
    location = Location.read("centre-frejus", smart.server)
    assert location.address.city == "Fréjus"
    assert location.managingOrganization.reference == "Organization/centre-frejus"
    search = HealthcareService.where(struct={"specialty": SNOMED_IR, "_count": "1"})
    services = list(search.perform_resources_iter(smart.server))  # three pages of one
    assert sorted(s.providedBy.reference for s in services) == [
        "Organization/centre-draguignan",
        "Organization/centre-frejus",
        "Organization/centre-saint-raphael",
    ]
    assert all(s.specialty[0].coding[0].code == "408455009" for s in services)


def test_fhirpy_pages_through_a_search_and_sees_refusals(live_server: LiveServer) -> None:
    fhir = SyncFHIRClient(live_server + "fhir")
    paged = fhir.resources("HealthcareService").search(organization="centre-frejus").limit(1)
    names = sorted(service["name"] for service in paged.fetch_all())  # two pages of one
    assert names == ["radiologie conventionnelle", "radiologie interventionnelle"]
    cities = fhir.resources("Location").search(**{"address-city": "saint-raph"}).fetch()
    assert [c["address"]["city"] for c in cities] == ["Saint-Raphaël"]
    assert fhir.reference("Organization", "network-vidi").to_resource()["name"] == "Vidi"
    with pytest.raises(ResourceNotFound):
        fhir.reference("Organization", "nowhere").to_resource()
    with pytest.raises(OperationOutcome, match="unknown search parameter"):
        fhir.resources("Organization").search(telecom="x").fetch()
