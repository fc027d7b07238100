from __future__ import annotations

from credmatch.services.ranking_cache import RankingCache


def test_a_page_is_served_only_for_the_version_it_was_computed_at() -> None:
    cache = RankingCache(max_entries=2)
    key = cache.key({"pairs": [1, 2], "first": 20})
    assert key == cache.key({"first": 20, "pairs": [1, 2]})
    assert key != cache.key({"pairs": [1, 2], "first": 21})
    cache.put(key, 7, {"total": 3})
    assert cache.get(key, 7) == {"total": 3}
    assert cache.get(key, 8) is None


def test_the_oldest_page_is_dropped_first() -> None:
    cache = RankingCache(max_entries=2)
    for n in range(3):
        cache.put(str(n), 1, {"n": n})
    assert cache.get("0", 1) is None
    assert cache.get("2", 1) == {"n": 2}
