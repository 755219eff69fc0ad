"""RDF vocabulary shared by everything: prefixes, labels, formats and short term forms."""
