"""The ontology for people: its documentation, its diagram and its versions."""
