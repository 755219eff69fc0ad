import pytest

from publisher.rdf import formats


@pytest.mark.parametrize("fmt", formats.RESOURCE + formats.RESULTS, ids=lambda f: f.token)
def test_every_format_round_trips_token_media_type_and_extension(fmt: formats.Format) -> None:
    assert formats.by_token(fmt.token) is fmt
    assert formats.by_extension(fmt.extension) is fmt
    for media_type in fmt.media_types:
        assert formats.by_media_type(media_type) is fmt
        assert formats.by_media_type(media_type.upper() + "; charset=utf-8") is fmt


def test_unknown_names_give_none() -> None:
    assert formats.by_token("docx") is None
    assert formats.by_extension("exe") is None
    assert formats.by_media_type("image/png") is None


def test_rdf_formats_all_have_serialisers() -> None:
    for fmt in formats.RDF:
        assert fmt.rdflib_name and fmt.oxigraph is not None
