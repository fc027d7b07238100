"""Sentence embeddings: the Embedder protocol, torch and ONNX Runtime encoders, cache, fake."""

from credmatch.embeddings.backends import BACKENDS, build_embedder
from credmatch.embeddings.base import Embedder, normalize_rows
from credmatch.embeddings.cache import CachedEmbedder, EmbeddingCache, text_hash
from credmatch.embeddings.hashing import HashingEmbedder
from credmatch.embeddings.onnx import OnnxEmbedder, OnnxModel
from credmatch.embeddings.sentence_transformer import SentenceTransformerEmbedder

__all__ = [
    "BACKENDS",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "HashingEmbedder",
    "OnnxEmbedder",
    "OnnxModel",
    "SentenceTransformerEmbedder",
    "build_embedder",
    "normalize_rows",
    "text_hash",
]
