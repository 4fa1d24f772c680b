"""kwic: every occurrence with its context, traceable to the passage."""

import json

import pytest

from airesearch.errors import AiresearchError
from airesearch.models import SearchRequest
from airesearch.output.readable import display_width, pad_to
from airesearch.research.concordance import kwic

from .conftest import index_fixture

POSTS = {
    "old.md": "---\ntitle: 古い記事\ndate: 2025-01-01\n---\n"
    "東京のデータセンターは大きい。Zデータセンターも。\n",
    "new.md": "---\ntitle: 新しい記事\ndate: 2025-06-01\n---\n"
    "NVIDIAはデータセンターに10億ドルを投資した。\n",
}
concordance = index_fixture("concordance", POSTS)


def test_every_occurrence_newest_post_first_with_offsets_into_the_passage(
    concordance,
):
    lines = kwic(concordance, SearchRequest("データセンター"), width=7)
    assert [(line.path, line.match) for line in lines] == [
        ("new.md", "データセンター"), ("old.md", "データセンター"),
        ("old.md", "データセンター"),
    ]  # fmt: skip
    first = lines[0]
    assert (first.left, first.right) == ("NVIDIAは", "に10億ドルを")
    assert first.date.startswith("2025-06-01")
    # Entities and money figures in the context are marked.
    text = first.left + first.match + first.right
    assert [text[s:e] for s, e, kind in first.marks] == ["NVIDIA", "10億ドル"]
    assert [kind for _, _, kind in first.marks] == ["entity", "money"]


def test_sorted_by_the_words_on_either_side_and_limited(concordance):
    by_left = kwic(concordance, SearchRequest("データセンター"), width=4, sort="left")
    assert [line.left[-1:] for line in by_left] == sorted(
        line.left[-1:] for line in by_left
    )
    by_right = kwic(concordance, SearchRequest("データセンター"), sort="right", limit=2)
    assert len(by_right) == 2 and by_right[0].right <= by_right[1].right
    with pytest.raises(AiresearchError, match="--sort"):
        kwic(concordance, SearchRequest("データ"), sort="middle")


def test_japanese_contexts_align_by_display_width():
    assert display_width("データ") == 6 and display_width("AIデータ") == 8
    lefts = ["NVIDIAは", "東京の", "Zデータセンターも、"]
    column = max(display_width(left) for left in lefts)
    assert {display_width(pad_to(left, column)) for left in lefts} == {column}


def test_kwic_command_prints_aligned_lines_and_json(tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    from .conftest import write_corpus

    corpus = write_corpus(tmp_path / "corpus", POSTS)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "i.sqlite")]
    runner = CliRunner()
    table = runner.invoke(app, ["kwic", "データセンター", "--width", "6", *where])
    assert table.exit_code == 0
    lines = [line for line in table.stdout.splitlines() if "データセンター" in line]
    columns = {display_width(line.split("データセンター")[0]) for line in lines}
    assert len(lines) == 3 and len(columns) == 1
    data = json.loads(
        runner.invoke(app, ["kwic", "データセンター", "--json", *where]).stdout
    )
    assert set(data[0]) == {"path", "title", "date", "passage_seq", "start", "end",
                            "left", "match", "right", "marks"}  # fmt: skip
    missing = runner.invoke(app, ["kwic", "量子計算", *where])
    assert missing.exit_code == 1


def test_kwic_as_data_is_answered_without_typer_alike(tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    from .conftest import write_corpus
    from .test_cli import run_cli

    corpus = write_corpus(tmp_path / "corpus", POSTS)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "i.sqlite")]
    for extra in (["--json"], ["--csv", "--sort", "right", "--width", "4"]):
        fast = run_cli("kwic", "データセンター", *where, *extra)
        slow = CliRunner().invoke(app, ["kwic", "データセンター", *where, *extra])
        assert fast.returncode == slow.exit_code == 0, fast.stderr
        assert fast.stdout == slow.stdout
