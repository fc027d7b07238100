"""Every Cypher statement credmatch runs, as named constants, one module per area.

Values are always ``$parameters``; Cypher text is never built from data. Modules: ``schema``
(constraints, indexes), ``ingest`` (loaders), ``match`` (ranking and gaps), ``browse``
(catalog queries), ``auth`` (API keys), ``orgs`` (organisations), ``access`` (the access
log), ``privacy`` (consent, erasure), ``matches`` (the stored per-posting rankings),
``challenges`` (presentation challenges), ``presentations`` (learner-submitted credentials),
``fragments`` (the pieces of Cypher several statements share, each written once).
"""

from credmatch.graph.queries.schema import (
    AWAIT_INDEXES,
    BACKFILL_EXPIRES_AT,
    BUMP_VERSION,
    CREATE_SKILL_FULLTEXT,
    GRAPH_VERSION,
    NODE_KEYS,
    PING,
    POSTING_EXTERNAL_ID_UNIQUE,
    RANGE_INDEXES,
    SHOW_CONSTRAINTS,
    SHOW_INDEXES,
    SKILL_FULLTEXT_INDEX,
    VECTOR_INDEXES,
    drop_index,
    unique_constraint,
    vector_index,
)

__all__ = [
    "AWAIT_INDEXES",
    "BACKFILL_EXPIRES_AT",
    "BUMP_VERSION",
    "CREATE_SKILL_FULLTEXT",
    "GRAPH_VERSION",
    "NODE_KEYS",
    "PING",
    "POSTING_EXTERNAL_ID_UNIQUE",
    "RANGE_INDEXES",
    "SHOW_CONSTRAINTS",
    "SHOW_INDEXES",
    "SKILL_FULLTEXT_INDEX",
    "VECTOR_INDEXES",
    "drop_index",
    "unique_constraint",
    "vector_index",
]
