"""Link free text to taxonomy skills: hybrid dense + lexical retrieval and feature scoring."""

from credmatch.linking.linker import LinkerSettings, SkillLinker
from credmatch.linking.model import SkillDoc, SkillMatch, skill_views
from credmatch.linking.retrieval import InMemoryRetriever, SkillRetriever, lexical_terms
from credmatch.linking.text import content_tokens

__all__ = [
    "InMemoryRetriever",
    "LinkerSettings",
    "SkillDoc",
    "SkillLinker",
    "SkillMatch",
    "SkillRetriever",
    "content_tokens",
    "lexical_terms",
    "skill_views",
]
