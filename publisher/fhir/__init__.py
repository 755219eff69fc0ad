"""A read-only HL7 FHIR R4 view of the graph: Organization, Location, HealthcareService.

Everything is read from the store by SPARQL (:mod:`.graph`), in the graph's own
terms, then mapped (:mod:`.mapping`) and searched (:mod:`.search`) in memory, one
index per data version (:mod:`.index`). Nothing is typed by hand: a statement the
graph marks as inferred stays marked as such in the FHIR resources.
"""
