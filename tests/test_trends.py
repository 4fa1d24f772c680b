"""trend: series on one calendar axis, shares, bursts, and an aligned chart."""

import json

import pytest

from airesearch.errors import AiresearchError
from airesearch.output.readable import display_width
from airesearch.output.research_render import trend_lines
from airesearch.research.trends import calendar, period_of, trend

from .conftest import index_fixture

# Three posts a month from January to June 2025, all naming NVIDIA; 量子 only
# in April's three: a burst in April, and NVIDIA steady.
# A word of its own in each post: no passage is the blog's template.
FRUITS = "りんご みかん ぶどう もも なし かき いちご すいか めろん ばなな きうい れもん"
FRUITS += " らいむ ゆず うめ くり あんず びわ"
OWN = FRUITS.split()
POSTS = {
    f"2025-{month:02d}-{day:02d}-p.md": (
        f"---\ntitle: 記事\ndate: 2025-{month:02d}-{day:02d}\n---\n"
        f"{'量子コンピューターの話。' if month == 4 else ''}NVIDIAのGPUの話"
        f"（{OWN[(month - 1) * 3 + (3, 10, 17).index(day)]}）。\n"
    )
    for month in range(1, 7)
    for day in (3, 10, 17)
}
trending = index_fixture("trending", POSTS)


def test_periods_and_a_calendar_without_gaps():
    assert period_of("2025-10-15", "month") == ("2025-10", "2025-10-01")
    assert period_of("2025-10-15", "quarter") == ("2025-Q4", "2025-10-01")
    assert period_of("2025-10-15", "week") == ("2025-W42", "2025-10-13")
    assert [label for label, _ in calendar("2025-11-20", "2026-02-01", "month")] == [
        "2025-11", "2025-12", "2026-01", "2026-02",
    ]  # fmt: skip


def test_series_share_and_a_burst(trending):
    points = trend(trending, ["量子"], ["Nvidia"])
    quantum = [p for p in points if p.series == "量子"]
    assert [p.period for p in quantum] == [f"2025-{m:02d}" for m in range(1, 7)]
    assert [p.posts for p in quantum] == [0, 0, 0, 3, 0, 0]
    april = quantum[3]
    assert april.share == 1.0 and april.burst and april.period_posts == 3
    nvidia = [p for p in points if p.series == "NVIDIA"]  # display name
    assert all(p.posts == 3 and not p.burst for p in nvidia)
    with pytest.raises(AiresearchError, match="--by"):
        trend(trending, ["量子"], by="day")


def test_chart_columns_line_up_with_japanese_names(trending):
    lines = trend_lines(trend(trending, ["量子コンピューター", "GPU"]))
    for column in range(2):
        starts = {
            display_width(label + "  " + "  ".join(t for t, _ in cells[:column]))
            for label, cells in lines
        }
        assert len(starts) == 1


def test_trend_command_gives_the_numbers_behind_the_chart(tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    from .conftest import write_corpus

    corpus = write_corpus(tmp_path / "corpus", POSTS)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "i.sqlite")]
    result = CliRunner().invoke(
        app, ["trend", "量子", "--by", "quarter", "--json", *where]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"series", "period", "start", "posts", "mentions",
                            "period_posts", "share", "burst"}  # fmt: skip
    assert [row["posts"] for row in rows] == [0, 3]
    chart = CliRunner().invoke(app, ["trend", "量子", "--entity", "NVIDIA", *where])
    assert "2025-04" in chart.stdout and "▲" in chart.stdout
