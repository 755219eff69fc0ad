"""Machine interfaces beside SPARQL.

Named partner queries, their OpenAPI document, Triple Pattern Fragments.
"""
