"""The SPARQL 1.1 query endpoint's parts: request parsing, the safety guard,
the service description, example queries and the query page's rendering."""
