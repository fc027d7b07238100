"""Cypher for the graph schema: constraints and indexes.

Values are always ``$parameters``; never build Cypher from data. Labels, property names and
index names are fixed here (Cypher cannot parameterise them).
"""

from __future__ import annotations

# --- schema ----------------------------------------------------------------------------------

# (label, key property) for every node of the graph model in DESIGN.md, plus API keys.
NODE_KEYS: tuple[tuple[str, str], ...] = (
    ("Issuer", "id"),
    ("Achievement", "id"),
    ("Credential", "id"),
    ("Learner", "id"),
    ("Skill", "uri"),
    ("Occupation", "uri"),
    ("JobPosting", "id"),
    ("Requirement", "id"),
    ("ApiKey", "id"),
    ("Organization", "id"),
    ("Challenge", "value"),
    ("Webhook", "id"),
    ("Delivery", "id"),
    ("AccessEvent", "id"),  # the access log's writes merge repeated reads into one event by id
)

# A posting's external id (the board's own identifier) is unique within its organisation.
POSTING_EXTERNAL_ID_UNIQUE = (
    "CREATE CONSTRAINT jobposting_owner_external_unique IF NOT EXISTS "
    "FOR (n:JobPosting) REQUIRE (n.ownerId, n.externalId) IS UNIQUE"
)

# (index name, label, property) of the embedded nodes.
VECTOR_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("skill_embedding", "Skill", "embedding"),
    ("achievement_embedding", "Achievement", "embedding"),
    ("requirement_embedding", "Requirement", "embedding"),
)

# Range indexes: the flags the match-table refresh looks up, and the match table's rank keys
# (a posting's candidates in ranking order; see queries/matches.py).
RANGE_INDEXES: tuple[str, ...] = (
    "CREATE INDEX learner_matches_stale IF NOT EXISTS FOR (n:Learner) ON (n.matchesStale)",
    "CREATE INDEX job_matches_stale IF NOT EXISTS FOR (n:JobPosting) ON (n.matchesStale)",
    "CREATE INDEX matches_rank IF NOT EXISTS FOR ()-[m:MATCHES]-() ON (m.job, m.rankKey)",
    "CREATE INDEX matches_vrank IF NOT EXISTS FOR ()-[m:MATCHES]-() ON (m.job, m.vrankKey)",
    "CREATE INDEX credential_expires IF NOT EXISTS FOR (c:Credential) ON (c.expiresAt)",
    "CREATE INDEX jobposting_owner IF NOT EXISTS FOR (n:JobPosting) ON (n.ownerId)",
    "CREATE INDEX access_event_at IF NOT EXISTS FOR (n:AccessEvent) ON (n.at)",
    "CREATE INDEX access_event_learner IF NOT EXISTS FOR (n:AccessEvent) ON (n.learnerId, n.at)",
    "CREATE INDEX challenge_expires IF NOT EXISTS FOR (c:Challenge) ON (c.expiresAt)",
    "CREATE INDEX delivery_due IF NOT EXISTS FOR (n:Delivery) ON (n.status, n.nextAttemptAt)",
)

# Credentials loaded before expiresAt existed get it from their validUntil (once; idempotent).
BACKFILL_EXPIRES_AT = """
MATCH (c:Credential) WHERE c.expiresAt IS NULL AND c.validUntil IS NOT NULL
CALL (c) { SET c.expiresAt = datetime(c.validUntil).epochSeconds } IN TRANSACTIONS OF 5000 ROWS
"""

SKILL_FULLTEXT_INDEX = "skill_text"

CREATE_SKILL_FULLTEXT = (
    "CREATE FULLTEXT INDEX skill_text IF NOT EXISTS FOR (s:Skill) ON EACH [s.label, s.altText]"
)

AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_s)"

SHOW_CONSTRAINTS = (
    "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
    "RETURN name, type, labelsOrTypes, properties ORDER BY name"
)

SHOW_INDEXES = (
    "SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties, options "
    "RETURN name, type, state, labelsOrTypes, properties, options ORDER BY name"
)


def drop_index(name: str) -> str:
    """Drop one of the indexes named in this module (never a name from input)."""
    return f"DROP INDEX {name} IF EXISTS"


def unique_constraint(label: str, key: str) -> str:
    """The uniqueness constraint for one node key (names come from NODE_KEYS, never from input)."""
    return (
        f"CREATE CONSTRAINT {label.lower()}_{key}_unique IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
    )


def vector_index(name: str, label: str, prop: str) -> str:
    """A cosine vector index; the dimension is the $dimension parameter."""
    return (
        f"CREATE VECTOR INDEX {name} IF NOT EXISTS FOR (n:{label}) ON n.{prop} "
        "OPTIONS {indexConfig: {`vector.dimensions`: $dimension, "
        "`vector.similarity_function`: 'cosine'}}"
    )


# --- health ------------------------------------------------------------------------------------

PING = "RETURN 1 AS ok"

# One counter node, advanced in the transaction of every ranking-relevant write; API workers
# cache rankings by it (a shared lock on one node: writers take turns, readers never wait).
BUMP_VERSION = "MERGE (m:Meta {id: 'graph'}) SET m.version = coalesce(m.version, 0) + 1"
GRAPH_VERSION = "OPTIONAL MATCH (m:Meta {id: 'graph'}) RETURN coalesce(m.version, 0) AS version"

COUNT_NODES = "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label"
