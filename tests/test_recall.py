"""benchmarks/recall.py on the bundled posts and the test fixtures, so that a
loss of recall fails CI and not only a benchmark run: every word drawn from
the posts must be found in >= 99 % of the posts whose text holds it."""

import importlib.util
from pathlib import Path

import pytest

from .conftest import MESSY_FILES, index_fixture
from .test_search_words import WORD_POSTS

RECALL = Path(__file__).resolve().parent.parent / "benchmarks" / "recall.py"
spec = importlib.util.spec_from_file_location("recall", RECALL)
recall = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recall)

messy = index_fixture("recall-messy", MESSY_FILES)
words = index_fixture("recall-words", WORD_POSTS)


@pytest.mark.parametrize("fixture", ["bundled", "messy", "words"])
def test_every_drawn_word_reaches_the_recall_goal(fixture, request):
    conn = request.getfixturevalue(fixture)
    results, every = recall.measure(conn, per_script=100, entities=100)
    below = [(word, found, truth) for r, _, word, found, truth in every
             if r < recall.GOAL]  # fmt: skip
    assert below == []
    assert sum(figures["queries"] for figures in results.values()) >= 20
