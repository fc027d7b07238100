"""Sentence embeddings: the Embedder protocol, a sentence-transformers adapter, cache, fake."""

from credmatch.embeddings.base import Embedder, normalize_rows
from credmatch.embeddings.cache import CachedEmbedder, EmbeddingCache, text_hash
from credmatch.embeddings.hashing import HashingEmbedder
from credmatch.embeddings.sentence_transformer import SentenceTransformerEmbedder

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "normalize_rows",
    "text_hash",
]
