"""keywords: what a period says more (or less) than its baseline, counted in
posts, on fixtures where the answer is known."""

import json

import pytest

from airesearch.errors import AiresearchError
from airesearch.research.keywords import is_word, keywords, log_likelihood, log_ratio

from .conftest import index_fixture, write_corpus

# A word of its own in each post (hiragana: never a keyword), so that no
# passage repeats across posts as the blog's template would (boilerplate.py).
FRUITS = (
    "りんご みかん ぶどう もも なし かき いちご すいか めろん ばなな きうい れもん"
    " らいむ ゆず うめ くり あんず びわ ざくろ すもも いちじく かぼす すだち ぽんかん"
).split()


def post(month: int, day: int) -> str:
    extra = {5: "量子アニーリングの研究。", 6: "冷却が鍵。"}.get(month, "")
    if month == 6 and day < 24:
        extra += "さくらインターネットが参入。"
    own = FRUITS[(month - 1) * 4 + (3, 10, 17, 24).index(day)]
    return (
        f"---\ntitle: 記事{month}-{day}\ndate: 2025-{month:02d}-{day:02d}\n---\n"
        f"データセンターの投資が続く。NVIDIAのGPUを{own}と使う。{extra}\n"
    )


# Four posts a month, January to June 2025. データセンター and NVIDIA in every
# post; 冷却 in June's four, さくらインターネット in three of them; 量子 in
# May's four.
POSTS = {
    f"2025-{month:02d}-{day:02d}-p.md": post(month, day)
    for month in range(1, 7)
    for day in (3, 10, 17, 24)
}
periodic = index_fixture("periodic", POSTS)
JUNE = ("2025-06-01", "2025-06-30")


def test_a_word_only_in_the_period_comes_first_and_an_even_one_not_at_all(periodic):
    rows = keywords(periodic, *JUNE, keyword_type="word")
    assert rows[0].keyword == "冷却"
    assert (rows[0].posts, rows[0].baseline_posts) == (4, 0)
    assert (rows[0].period_total, rows[0].baseline_total) == (4, 20)
    assert rows[0].period == "2025-06-01..2025-06-30" and rows[0].baseline == "rest"
    found = {row.keyword for row in rows}
    assert not found & {"データセンター", "センター", "投資", "nvidia", "使う"}
    # its example: a June post, the match inside the snippet
    assert rows[0].date.startswith("2025-06")
    start, end = rows[0].snippet_matches[0]
    assert rows[0].snippet[start:end] == "冷却"


def test_entities_are_counted_from_their_posts(periodic):
    rows = keywords(periodic, *JUNE, keyword_type="entity")
    assert rows[0].keyword == "さくらインターネット" and rows[0].kind == "entity"
    assert rows[0].type == "org" and rows[0].posts == 3
    assert "さくらインターネット" in rows[0].snippet
    assert "NVIDIA" not in {row.keyword for row in rows}
    # with --type all the entity stands for the words that spell it
    both = keywords(periodic, *JUNE)
    keys = [row.keyword for row in both]
    assert "さくらインターネット" in keys and "さくら" not in keys


def test_negative_and_the_previous_period_as_baseline(periodic):
    rows = keywords(periodic, *JUNE, baseline="previous", negative=True)
    assert rows[0].baseline == "2025-05-02..2025-05-31"
    assert "量子" in {row.keyword for row in rows}
    assert all(row.log_ratio < 0 and row.date.startswith("2025-05") for row in rows)
    # against the rest of the corpus May's four posts of 20 are too few to fall
    assert not keywords(periodic, *JUNE, negative=True, min_g2=10.83)
    # below that, the example comes from outside the period
    rest = keywords(periodic, *JUNE, negative=True, min_g2=0, keyword_type="word")
    quantum = next(row for row in rest if row.keyword == "量子")
    assert quantum.date.startswith("2025-05") and quantum.posts == 0


def test_statistics():
    assert log_likelihood(5, 50, 10, 100) == pytest.approx(0.0)
    # Dunning's G² for [4, 0; 0, 20]: 2 * (4 ln 6 + 20 ln 1.2)
    assert log_likelihood(4, 0, 4, 20) == pytest.approx(21.62, abs=0.01)
    assert log_ratio(4, 2, 10, 10) == pytest.approx(1.0)
    assert log_ratio(4, 0, 4, 4) == pytest.approx(3.0)  # zero counts as 0.5
    words = ("ハイレゾ", "h100", "こと", "2025年", "年", "gpt")
    assert [is_word(w) for w in words] == [True, True, False, False, False, True]


def test_bad_periods_are_one_line_errors(periodic):
    with pytest.raises(AiresearchError, match="before --since"):
        keywords(periodic, "2025-06-01", "2025-05-01")
    with pytest.raises(AiresearchError, match="holds no posts"):
        keywords(periodic, "2025-01-01", "2025-01-31", baseline="previous")
    with pytest.raises(AiresearchError, match="--since"):
        keywords(periodic, "June")


def test_keywords_command(tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    corpus = write_corpus(tmp_path / "corpus", POSTS)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "i.sqlite")]
    runner = CliRunner()
    result = runner.invoke(app, ["keywords", "--since", "2025-06-01", "--json", *where])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "keyword", "kind", "type", "posts", "baseline_posts", "period_total",
        "baseline_total", "period", "baseline", "g2", "log_ratio", "path", "title",
        "date", "snippet", "snippet_matches",
    }  # fmt: skip
    assert rows[0]["period"] == "2025-06-01..2025-06-24"  # until: the newest post
    csv = runner.invoke(app, ["keywords", "--since", "2025-06-01", "--csv", *where])
    assert csv.stdout.splitlines()[0].startswith("keyword,kind,type,posts,")
    table = runner.invoke(app, ["keywords", "--since", "2025-06-01", *where])
    assert "冷却" in table.stdout and "\x1b[" not in table.stdout
    # nothing stands out in March: exit 1, a message on stderr
    quiet = runner.invoke(app, ["keywords", "--since", "2025-03-01", "--until",
                                "2025-03-31", *where])  # fmt: skip
    assert quiet.exit_code == 1 and quiet.stdout == ""
    bad = runner.invoke(app, ["keywords", "--since", "2025-01-01", "--baseline",
                              "previous", "--until", "2025-01-31", *where])  # fmt: skip
    assert bad.exit_code == 2 and "holds no posts" in bad.stderr


def test_terminal_rows_line_up_by_display_width(periodic, capsys):
    import re

    from airesearch.output.readable import display_width
    from airesearch.output.render import Color
    from airesearch.output.research_render import print_keywords

    print_keywords(keywords(periodic, *JUNE, min_g2=0), Color.always)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    figures = [line for line in plain.splitlines() if re.search(r"[+-]\d\.\d\d$", line)]
    assert len(figures) >= 3 and any("さくらインターネット" in f for f in figures)
    assert len({display_width(line) for line in figures}) == 1
