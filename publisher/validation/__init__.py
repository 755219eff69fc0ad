"""SHACL validation: the report, the two engines it runs on, and the cache of results."""
