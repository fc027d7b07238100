"""Abuse limits: query shape (depth, aliases, tokens, introspection nesting), page size, request
rate per API key.

Query-shape limits run at parse and validation time, before any resolver, so a hostile query is
refused for the price of parsing at most ``max_tokens`` tokens. Parsing and validation results
are cached (bounded LRU) so the same query text costs neither twice.

Introspection stays enabled (job boards generate typed clients from it) and passes through the
same limits: the token and alias limits apply as to any query; the depth limiter skips ``__``
fields by design, so graphql-core's ``MaxIntrospectionDepthRule`` bounds the
``fields { type { fields ... } }`` nesting that makes introspection expensive instead. The
standard introspection query GraphiQL and codegen tools send fits within these limits.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from graphql import ASTValidationRule, GraphQLError
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)

# Defined with the paging rules (domain/), where the composition root reads it too.
from credmatch.domain.paging import MAX_PAGE_SIZE as MAX_PAGE_SIZE
from credmatch.errors import CredmatchError, InputError


class RateLimitedError(CredmatchError):
    """An API key sent requests faster than its rate limit allows."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class LimitSettings(Protocol):
    """The settings :func:`schema_extensions` reads (the one ``Settings`` class)."""

    @property
    def max_query_depth(self) -> int: ...
    @property
    def max_aliases(self) -> int: ...
    @property
    def max_tokens(self) -> int: ...
    @property
    def query_cache_size(self) -> int: ...


ExtensionFactory = Callable[[], SchemaExtension]


def schema_extensions(settings: LimitSettings) -> list[ExtensionFactory]:
    """Extension factories for ``strawberry.Schema(..., extensions=[ErrorPolicy, *these])``."""
    # The rule classes are built once, here: ValidationCache keys on the rule classes, and
    # QueryDepthLimiter/MaxAliasesLimiter build a new class per instance (i.e. per request),
    # which would make every lookup a miss.
    rules: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(settings.max_query_depth, None, None),
        max_aliases.create_validator(settings.max_aliases),
        MaxIntrospectionDepthRule,
    ]
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, rules),
        partial(_ParserCache, maxsize=settings.query_cache_size),
        partial(ValidationCache, maxsize=settings.query_cache_size),
    ]


class _ParserCache(ParserCache):
    """strawberry's ParserCache, except that a query that does not parse is reported as such.

    A syntax error (or the token limit) raised inside ParserCache.on_parse escapes strawberry's
    parse-error handling and skips the other extensions' on_operation (so ErrorPolicy would not
    add its code). Leaving the document unset instead lets strawberry's own parse raise the
    same error where it is handled; the refused query is parsed twice, each time at most
    ``max_tokens`` tokens.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


def check_page_size(first: int, *, argument: str = "first") -> int:
    """``first`` itself when 0 < first <= MAX_PAGE_SIZE; InputError naming the argument if not."""
    if not 0 < first <= MAX_PAGE_SIZE:
        raise InputError(
            f"{argument} must be between 1 and {MAX_PAGE_SIZE} (got {first}); "
            "page with 'after' for more"
        )
    return first


@dataclass
class TokenBucket:
    """``rate`` tokens a second refill a bucket of ``burst``; a request takes ``cost`` tokens."""

    rate: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float, cost: float = 1.0) -> float:
        """Take ``cost`` tokens: 0.0 when granted, else the seconds until they would be."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return 0.0
        return (cost - self.tokens) / self.rate


class RateLimiter:
    """One token bucket per API key id, in process memory (per API worker)."""

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1 (got {rate}, {burst})")
        self._rate = rate
        self._burst = burst
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def check(self, key_id: str, cost: float = 1.0) -> None:
        """Charge ``cost`` to ``key_id``; RateLimitedError with a Retry-After when it is over."""
        cost = min(cost, self._burst)  # a request costing more than the burst could never pass
        now = self._clock()
        bucket = self._buckets.pop(key_id, None)
        if bucket is None:
            bucket = TokenBucket(self._rate, self._burst, self._burst, now)
        # Re-inserting keeps the dict in least-recently-used order; dropping the oldest bucket
        # only forgets a key that has been idle longest (its bucket is most likely full anyway).
        self._buckets[key_id] = bucket
        if len(self._buckets) > self._max_keys:
            del self._buckets[next(iter(self._buckets))]
        wait = bucket.take(now, cost)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise RateLimitedError(
                f"API key {key_id} is over its rate limit of {self._rate:g} requests/s "
                f"(burst {self._burst:g}); retry after {retry_after} s",
                retry_after_s=retry_after,
            )
