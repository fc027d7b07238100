"""Configuration: one Settings class read from the environment (and an optional .env file).

Every credmatch setting is ``CREDMATCH_<FIELD>``; the Neo4j connection uses the standard
``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD``. A missing or wrong value fails at start-up
with a :class:`~credmatch.errors.ConfigError` naming the variable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from credmatch.errors import ConfigError

ENV_PREFIX = "CREDMATCH_"
_NEO4J_ALIASES = {
    "neo4j_uri": "NEO4J_URI",
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
}


class Settings(BaseSettings):
    """All of credmatch's settings. Build it with :func:`load_settings` to get readable errors."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    # Neo4j: when NEO4J_URI is unset, credmatch launches its bundled Neo4j Community server.
    neo4j_uri: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD")
    )
    neo4j_database: str = "neo4j"
    neo4j_home: Path = Path("var/neo4j")
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_heap: str = Field(default="2g", pattern=r"^\d+[kmgKMG]$")
    neo4j_pagecache: str = Field(default="2g", pattern=r"^\d+[kmgKMG]$")
    neo4j_server_dir: Path | None = None
    neo4j_start_timeout_s: float = Field(default=180.0, gt=0)
    neo4j_connect_timeout_s: float = Field(default=5.0, gt=0)
    neo4j_query_timeout_s: float = Field(default=30.0, gt=0)

    # HTTP API
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    graphiql: bool = True
    # Origins whose web pages may call the API (CORS), comma-separated, e.g.
    # "https://board.example,https://admin.board.example"; "*" for any; empty: CORS off.
    cors_origins: str = ""
    warm_model: bool = True  # load the model at start-up, in the background

    # Embeddings
    model: str | None = None  # a local path or model name; None: the packaged all-MiniLM-L6-v2
    embedding_dimension: int = Field(default=384, ge=8, le=8192)
    embedding_cache: Path = Path("var/embeddings.sqlite")
    embedding_batch_size: int = Field(default=64, ge=1, le=4096)
    # torch | onnx | onnx-int8 (ONNX Runtime on CPU, exported once into onnx_dir); see README
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx"
    onnx_dir: Path = Path("var/onnx")
    # The skill linker's model: "tuned" (the fine-tuned int8 artefact shipped in
    # embeddings/linker_model) or "base" (the embedding model above); see README.
    linker_model: Literal["tuned", "base"] = "base"

    # Verification: where contexts, DID documents and status lists come from, and who is trusted.
    documents: str = ""  # document-store folders (each with an index.json), separated by ":"
    trust_registry: Path | None = None  # JSON file of trusted issuers
    fetch_documents: bool = False  # fetch missing documents over the network (allowlist only)
    fetch_allowlist: str = ""  # comma-separated host names that may be fetched
    fetch_timeout_s: float = Field(default=5.0, gt=0)
    fetch_max_bytes: int = Field(default=1_000_000, gt=0)
    document_cache: Path = Path("var/documents")

    # Linking and matching
    link_top_k: int = Field(default=25, ge=1, le=500)
    link_cosine_floor: float = Field(default=0.30, ge=-1, le=1)  # similarity 0 at this cosine
    link_cosine_full: float = Field(default=0.65, ge=-1, le=1)  # similarity 1 from this cosine
    # The weakest skill link kept; unset: the linker model's own (base 0.5, tuned 0.8: see
    # bootstrap.skill_min_score).
    skill_min_score: float | None = Field(default=None, ge=0, le=1)
    # The evidence floor: a requirement-achievement similarity (0-1, as shown on evidence)
    # below which a credential is not plausibly about the requirement; such links are not
    # made, so they count nowhere. Chosen on held-out validation data: docs/benchmarks.md.
    evidence_floor: float = Field(default=0.30, ge=0, le=1)
    # Evidence about another skill (queries/link.py _OTHER_SKILL): a requirement names a
    # taxonomy skill when its skill link scores at least named_skill_score; a credential whose
    # issuer aligned it only to other skills counts at other_skill_similarity at most. Chosen on
    # bench/match_quality.py's tuning part: docs/benchmarks.md.
    named_skill_score: float = Field(default=0.95, ge=0, le=1)
    other_skill_similarity: float = Field(default=0.3, ge=0, le=1)
    gap_threshold: float = Field(default=0.5, ge=0, le=1)
    # Below the gap threshold: a verified credential from an issuer outside the trust registry
    # raises a score but never meets a required requirement alone (anyone can mint a did:key).
    unknown_issuer_weight: float = Field(default=0.4, ge=0, le=1)
    unverifiable_weight: float = Field(default=0.3, ge=0, le=1)
    ingest_batch_size: int = Field(default=500, ge=1, le=50_000)

    # Access control and abuse limits (api/auth.py, api/limits.py)
    auth_cache_ttl_s: float = Field(default=30.0, ge=0)  # also the worst-case revocation delay
    auth_touch_interval_s: float = Field(default=300.0, ge=0)  # lastUsedAt granularity
    max_query_depth: int = Field(default=10, ge=1)
    max_aliases: int = Field(default=15, ge=0)
    max_tokens: int = Field(default=2000, ge=100)
    query_cache_size: int = Field(default=256, ge=1)
    ranking_cache_size: int = Field(default=512, ge=0)  # ranked pages per process; 0: off
    # How often the API expires credentials whose validUntil passed and refreshes the match
    # table (also done after every write and at start-up); 0: only then.
    match_refresh_interval_s: float = Field(default=300.0, ge=0)
    # How many of a posting's best candidates the match table keeps, in each order (default
    # and verifiedOnly); 0 keeps every learner with evidence (the table then grows as
    # learners x postings). Pages past it, and filters it cannot answer, are ranked live.
    match_table_depth: int = Field(default=0, ge=0)
    # The access log (who read which learner's evidence): how long events are kept, how often
    # the in-process buffer is written, the window within which one key's repeated reads of one
    # learner for one operation and posting are one event (with a count; 0: an event per read),
    # and whether it is on (off only to measure its cost).
    access_log: bool = True
    access_log_retention_days: int = Field(default=365, ge=1)
    access_log_flush_s: float = Field(default=1.0, gt=0)
    access_log_window_s: int = Field(default=3600, ge=0)
    # Further reads of an event already written (count, last read) are written this often.
    access_log_repeat_flush_s: float = Field(default=30.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    rate_limit_per_s: float = Field(default=20.0, gt=0)
    rate_limit_burst: int = Field(default=40, ge=1)
    max_batch_operations: int = Field(default=0, ge=0)  # 0: JSON array bodies are refused

    # Learner-held credentials (api/presentations.py, services/presentations.py): challenges,
    # presentation limits, and the rate limit for requests without an API key (per address).
    domain: str = Field(default="credmatch.local", min_length=1, max_length=253)
    challenge_ttl_s: float = Field(default=300.0, gt=0, le=86_400)
    max_presentation_bytes: int = Field(default=200_000, ge=1024)
    max_presentation_credentials: int = Field(default=50, ge=1, le=500)
    anonymous_rate_limit_per_s: float = Field(default=2.0, gt=0)
    anonymous_rate_limit_burst: int = Field(default=20, ge=1)
    # Webhooks (match events): http targets only when allowed; hosts (names or addresses)
    # exempt from the SSRF address checks, comma-separated; per-attempt timeout; retries back
    # off exponentially from retry_base_s up to retry_max_delay_s and stop retry_for_s after
    # the event; the worker looks for due deliveries at least every poll_s; a claimed delivery
    # whose worker died is due again after lease_s.
    webhook_worker: bool = True  # send deliveries from this process (off: another does)
    webhook_allow_http: bool = False
    webhook_allowlist: str = ""
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_retry_base_s: float = Field(default=10.0, gt=0)
    webhook_retry_max_delay_s: float = Field(default=3600.0, gt=0)
    webhook_retry_for_s: float = Field(default=86400.0, gt=0)
    webhook_poll_s: float = Field(default=5.0, gt=0)
    webhook_lease_s: float = Field(default=60.0, gt=0)
    webhook_min_score: float = Field(default=0.5, ge=0, le=1)  # a webhook's default minScore

    # The demo seed loaded by `credmatch run`
    seed_dir: Path = Path("graph_seed")

    @field_validator("neo4j_uri")
    @classmethod
    def _check_uri(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with one of {', '.join(schemes)}")
        return value

    @field_validator("other_skill_similarity")
    @classmethod
    def _check_other_skill(cls, value: float, info: ValidationInfo) -> float:
        floor = info.data.get("evidence_floor")
        if floor is not None and value < floor:
            raise ValueError(
                f"must be at least CREDMATCH_EVIDENCE_FLOOR ({floor}): evidence below the floor "
                "is never kept, so set it to the floor to give other-skill evidence the least"
            )
        return value

    @field_validator("gap_threshold")
    @classmethod
    def _check_gap_threshold(cls, value: float, info: ValidationInfo) -> float:
        held = info.data.get("other_skill_similarity")
        if held is not None and held >= value:
            raise ValueError(
                f"must be above CREDMATCH_OTHER_SKILL_SIMILARITY ({held}): evidence about another "
                "skill is held there so that it never meets a requirement"
            )
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: str) -> str:
        for origin in _split(value):
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: give scheme://host[:port] with no path, or '*'"
                )
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)

    @property
    def launches_neo4j(self) -> bool:
        """True when credmatch runs its own Neo4j rather than one named by NEO4J_URI."""
        return self.neo4j_uri is None

    @property
    def document_dirs(self) -> list[Path]:
        return [Path(p) for p in self.documents.split(":") if p.strip()]

    @property
    def fetch_hosts(self) -> list[str]:
        return [h.strip() for h in self.fetch_allowlist.split(",") if h.strip()]

    @property
    def webhook_hosts(self) -> list[str]:
        return _split(self.webhook_allowlist)

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"


_ORIGIN = re.compile(r"https?://[^\s/?#]+")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    return _NEO4J_ALIASES.get(field, ENV_PREFIX + field.upper())


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one ConfigError naming each variable."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            got = "" if "password" in field else f" (got {err.get('input')!r})"
            problems.append(f"{env_name(field)}: {err['msg']}{got}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from e
