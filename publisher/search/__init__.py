"""Free-text search: the label index, its query and what ``/search`` answers."""
