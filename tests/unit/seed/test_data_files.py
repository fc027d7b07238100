"""The seed's data files load into the spec dataclasses; a broken entry says where it is."""

from __future__ import annotations

import pytest

from credmatch.errors import InputError
from credmatch.seed import data_files
from credmatch.seed.catalog_spec import AchievementSpec
from credmatch.seed.postings_spec import PostingSpec


def test_data_files_load_every_entry_with_tuples() -> None:
    catalog = data_files.catalog_specs()
    assert len(catalog) == len({s.key for s in catalog}) > 50
    assert all(isinstance(s.esco, tuple) and isinstance(s.tags, tuple) for s in catalog)
    postings = data_files.posting_specs()
    assert postings and all(isinstance(p.must, tuple) for p in postings)
    assert any(isinstance(p.salary, tuple) for p in postings)
    texts = data_files.text_postings()
    assert texts and all(name.endswith((".txt", ".md")) for name in texts)


def test_unknown_and_missing_fields_name_the_entry() -> None:
    row = {"slug": "x", "title": "T", "colour": "red"}
    with pytest.raises(InputError, match=r"postings.json #3: unknown field\(s\) colour"):
        data_files._spec(PostingSpec, row, "postings.json #3")
    with pytest.raises(InputError, match=r"catalog-tech.toml #0 \(k\): .*missing"):
        data_files._spec(AchievementSpec, {"key": "k"}, "catalog-tech.toml #0")
    with pytest.raises(InputError, match="expected a table of fields, got list"):
        data_files._spec(AchievementSpec, [], "catalog-tech.toml #1")
