from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import strawberry
from graphql import get_introspection_query
from strawberry.extensions import SchemaExtension

from credmatch.api.limits import (
    MAX_PAGE_SIZE,
    RateLimitedError,
    RateLimiter,
    TokenBucket,
    check_page_size,
    schema_extensions,
)
from credmatch.errors import InputError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_the_burst_then_the_rate() -> None:
    bucket = TokenBucket(rate=20, burst=40, tokens=40, updated=0.0)
    assert all(bucket.take(0.0) == 0.0 for _ in range(40))
    wait = bucket.take(0.0)
    assert wait == pytest.approx(1 / 20)
    # After 0.5 s, 10 more requests are allowed and not an 11th.
    assert all(bucket.take(0.5) == 0.0 for _ in range(10))
    assert bucket.take(0.5) > 0
    # Idle time refills up to the burst, never beyond.
    assert sum(bucket.take(100.0) == 0.0 for _ in range(100)) == 40


def test_rate_limiter_is_per_key_and_says_when_to_retry() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, clock=clock)
    for _ in range(3):
        limiter.check("a" * 16)
    with pytest.raises(RateLimitedError) as e:
        limiter.check("a" * 16)
    assert e.value.code == "RATE_LIMITED"
    assert e.value.retry_after_s == 1
    assert "a" * 16 in str(e.value)
    limiter.check("b" * 16)  # another key has its own bucket
    clock.now += 0.5
    limiter.check("a" * 16)  # one token back at 2/s


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=0.25, burst=1, clock=clock)
    limiter.check("k")
    with pytest.raises(RateLimitedError) as e:
        limiter.check("k")
    assert e.value.retry_after_s == 4


def test_a_batch_costs_one_token_per_operation() -> None:
    limiter = RateLimiter(rate=1, burst=5, clock=Clock())
    limiter.check("k", cost=4)
    limiter.check("k")
    with pytest.raises(RateLimitedError):
        limiter.check("k")


def test_idle_keys_are_forgotten_beyond_max_keys() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1, burst=1, max_keys=2, clock=clock)
    limiter.check("a")
    limiter.check("b")
    limiter.check("c")  # drops "a", the least recently seen
    limiter.check("a")  # a fresh, full bucket
    with pytest.raises(RateLimitedError):
        limiter.check("c")


def test_page_size_bounds() -> None:
    assert check_page_size(1) == 1
    assert check_page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    for bad in (0, -1, MAX_PAGE_SIZE + 1):
        with pytest.raises(InputError, match=f"first must be between 1 and {MAX_PAGE_SIZE}"):
            check_page_size(bad)


# --- query-shape limits on a real strawberry schema with a self-referencing type --------------


@strawberry.type
class Node:
    name: str

    @strawberry.field
    def child(self) -> Node:
        return Node(name=self.name + ".c")

    @strawberry.field
    def children(self) -> list[Node]:
        return [Node(name=self.name + f".{i}") for i in range(2)]


@strawberry.type
class Query:
    @strawberry.field
    def root(self) -> Node:
        return Node(name="r")


@dataclass(frozen=True)
class Limits:
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    query_cache_size: int = 64


def schema(limits: Limits = Limits()) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=schema_extensions(limits))


def nested(depth: int) -> str:
    return "{ root { " + "child { " * (depth - 1) + "name" + " }" * depth + " }"


def errors_of(result: strawberry.types.ExecutionResult) -> list[str]:
    return [e.message for e in result.errors or []]


def test_depth_limit() -> None:
    s = schema()
    assert s.execute_sync(nested(10)).errors is None
    assert any("maximum operation depth of 10" in m for m in errors_of(s.execute_sync(nested(11))))


def test_alias_limit() -> None:
    s = schema()
    ok = "{ " + " ".join(f"a{i}: root {{ name }}" for i in range(15)) + " }"
    bad = "{ " + " ".join(f"a{i}: root {{ name }}" for i in range(16)) + " }"
    assert s.execute_sync(ok).errors is None
    assert errors_of(s.execute_sync(bad)) == ["16 aliases found. Allowed: 15"]


def test_token_limit_stops_parsing() -> None:
    s = schema(Limits(max_tokens=100))
    huge = "{ root { " + "name " * 5000 + "} }"
    start = time.perf_counter()
    messages = errors_of(s.execute_sync(huge))
    elapsed = time.perf_counter() - start
    assert any("more than 100 tokens" in m for m in messages)
    print(f"\n5,000-field query refused by the token limit in {elapsed * 1000:.2f} ms")


def test_introspection_is_allowed_but_its_nesting_is_bounded() -> None:
    s = schema()
    standard = s.execute_sync(get_introspection_query())
    assert standard.errors is None
    assert standard.data is not None and standard.data["__schema"]["queryType"]["name"] == "Query"
    deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    assert any("introspection" in m.lower() for m in errors_of(s.execute_sync(deep)))


def test_validation_rules_are_stable_so_the_validation_cache_hits() -> None:
    # ValidationCache keys on (schema, document, rules); per-request rule classes would make
    # every lookup a miss. Record the rules each request validates with.
    seen: list[tuple[type, ...]] = []

    class Record(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            seen.append(tuple(self.execution_context.validation_rules))
            yield

    s = strawberry.Schema(query=Query, extensions=[*schema_extensions(Limits()), Record])
    for _ in range(2):
        assert s.execute_sync(nested(11)).errors
    assert len(seen) == 2 and seen[0] == seen[1]
