"""Taxonomy readers: stream skills, occupations and relations out of framework files.

Each framework (ESCO, a company's own list, ...) is one ``TaxonomySource``; the graph loader
only sees the records in ``model``.
"""

from credmatch.taxonomy.base import TaxonomySource
from credmatch.taxonomy.custom import CustomCsvSource
from credmatch.taxonomy.esco import EscoCsvSource
from credmatch.taxonomy.model import OccupationRecord, Relation, RowError, SkillRecord
from credmatch.taxonomy.registry import SOURCES, open_source

__all__ = [
    "SOURCES",
    "CustomCsvSource",
    "EscoCsvSource",
    "OccupationRecord",
    "Relation",
    "RowError",
    "SkillRecord",
    "TaxonomySource",
    "open_source",
]
