import numpy as np

from credmatch.linking.bm25 import BM25Index, top_k


def test_rare_term_match_outranks_common_term_match() -> None:
    index = BM25Index([["manage", "staff"], ["manage", "budget"], ["operate", "forklift"]])
    hits = index.top(["manage", "forklift"], k=3)
    assert hits[0][0] == 2
    assert {i for i, _ in hits} == {0, 1, 2}


def test_no_shared_token_no_hit() -> None:
    index = BM25Index([["python"], ["java"]])
    assert index.top(["cobol"], k=5) == []


def test_repeated_query_tokens_count_once() -> None:
    index = BM25Index([["python"], ["java"]])
    np.testing.assert_array_equal(index.scores(["python", "python"]), index.scores(["python"]))


def test_top_k_orders_and_truncates() -> None:
    assert top_k(np.array([0.1, 0.0, 0.5, 0.3]), 2) == [(2, 0.5), (3, 0.3)]
