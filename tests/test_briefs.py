"""brief: a research brief on an entity or a query, as Markdown, HTML (parsed
here) and JSON, on the bundled posts."""

import json
from html.parser import HTMLParser

import pytest

from airesearch.models import SearchRequest
from airesearch.output.brief_pages import html, markdown
from airesearch.queries.deals import load_rates
from airesearch.queries.search import search
from airesearch.research.briefs import brief
from airesearch.research.key_sentences import (
    Candidate,
    key_sentences,
    lexrank,
    news_weight,
)

NSCALE_POST = "000_4dd06db96976100c.txt"


@pytest.fixture(scope="module")
def nscale(bundled):
    return brief(bundled, "Nscale", load_rates())


def test_nscale_brief_names_its_figures_with_their_parties(nscale):
    assert nscale.kind == "entity" and nscale.type == "org"
    figures = {d.amount: d for d in nscale.deals}
    assert {"62億ドル", "10億ドル", "6億8,300万ドル"} <= set(figures)
    assert (figures["10億ドル"].payer, figures["10億ドル"].payee) == (
        "Nscale",
        "Stargate",
    )
    assert (figures["6億8,300万ドル"].payer, figures["6億8,300万ドル"].payee) == (
        "NVIDIA", "Nscale",
    )  # fmt: skip
    assert "Nscale" in figures["62億ドル"].parties
    assert [d.usd_min for d in nscale.deals] == sorted(
        (d.usd_min for d in nscale.deals), reverse=True
    )
    page = markdown(nscale)
    assert "| 6億8,300万ドル | $683.0M | deal | NVIDIA | Nscale |" in page
    assert "| 10億ドル | $1.0B | deal | Nscale | Stargate |" in page


def test_nscale_brief_quotes_sentences_of_its_post_with_the_date(nscale):
    assert nscale.key_sentences
    for quote in nscale.key_sentences:
        assert quote["path"] == NSCALE_POST and quote["date"].startswith("2025-09-19")
        assert "Nscale" in quote["sentence"]
    page = markdown(nscale)
    first = nscale.key_sentences[0]
    assert f"> {first['sentence']}" in page
    assert f"2025-09-19, `{NSCALE_POST}`" in page
    # money flowing in and out, partners by association
    assert {(f["direction"], f["name"]) for f in nscale.money} == {
        ("out", "Stargate"), ("in", "NVIDIA"),
    }  # fmt: skip
    assert nscale.partners[0]["jaccard"] >= nscale.partners[-1]["jaccard"]


class Page(HTMLParser):
    """Tags, external references and text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.tags, self.external, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and "://" in value:
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_page_is_self_contained_with_charts(nscale):
    page = Page()
    page.feed(html(nscale))
    assert page.tags.count("svg") == 2  # the trend and the money figures
    assert "rect" in page.tags and "blockquote" in page.tags
    assert not page.external and "script" not in page.tags and "link" not in page.tags
    text = "".join(page.text)
    assert "6億8,300万ドル" in text and "Stargate" in text and "2025-09-19" in text


def test_query_brief_and_unknown_subject(bundled):
    found = brief(bundled, "データセンター", load_rates())
    # Its figures are search's: the posts and passages that match.
    matched = search(bundled, SearchRequest("データセンター", limit=0, passages=True))
    assert found.kind == "query" and found.posts == 5 == len({h.path for h in matched})
    assert found.mentions == len(matched)
    assert (found.first_date, found.last_date) == ("2025-09-19", "2025-11-30")
    assert all("データセンター" in q["sentence"] for q in found.key_sentences)
    assert found.months and found.partners
    assert brief(bundled, "存在しない言葉ゾゾゾ", load_rates()) is None


def test_lexrank_merges_near_duplicates_and_prefers_the_central_sentence():
    def said(text, path):
        return Candidate(text, path, "t", "2025-01-01", 1)

    groups = [
        [said("NVIDIAがGPUの供給を拡大する。", "a")],
        [said("NVIDIAがGPUの供給を拡大する！", "b")],  # a near duplicate
        [said("NVIDIAのGPU供給が拡大する見通し。", "c")],
        [said("今日は天気が良い。", "d")],
    ]
    ranked = lexrank(groups)
    assert len(ranked) == 3
    assert {c.path for c in ranked[0][1]} == {"a", "b"}
    assert ranked[-1][1][0].path == "d"


def test_a_sentence_cut_short_is_the_same_sentence():
    def said(text, path):
        return Candidate(text, path, "t", "2025-01-01", 1)

    cut = "では、なぜ彼らはNscaleのようなネオクラウドプロバイダーに、総"
    whole = cut + "額330億ドルを投じるのか。"
    ranked = lexrank(
        [[said(cut, "a")], [said(whole, "b")], [said("今日は晴れ。", "c")]]
    )
    assert len(ranked) == 2
    quoted = [group[0].sentence for _, group in ranked]
    assert whole in quoted and cut not in quoted


def test_a_fact_outranks_an_opinion_and_a_question_as_central_as_it():
    def said(text, path):
        return Candidate(text, path, "t", "2025-01-01", 1)

    # Three sentences with the same words around NVIDIA's technology: LexRank
    # finds them about equally central; what they carry decides.
    fact = "NVIDIAはNscaleに6億8,300万ドルを投資し、日本のAI技術と組み合わせる。"
    opinion = (
        "私は、NVIDIAの技術と日本のAI技術を組み合わせることが強みだと考えています。"
    )
    question = "NVIDIAの技術と日本のAI技術をどう組み合わせるのでしょうか？"
    scores = dict(
        (group[0].path, score) for score, group in lexrank(
            [[said(fact, "fact")], [said(opinion, "opinion")], [said(question, "q")]]
        )
    )  # fmt: skip
    assert max(scores.values()) < 1.5 * min(scores.values())  # about as central
    chosen = key_sentences(
        [said(fact, "fact"), said(opinion, "opinion"), said(question, "q")]
    )
    assert [row["path"] for row in chosen][0] == "fact"
    assert {row["path"] for row in chosen} == {"fact", "opinion", "q"}
    assert news_weight(fact) == 1.5 * 1.2
    # two names each (NVIDIA, AI) × 1.2, an opinion or a question × 0.5
    assert news_weight(opinion) == news_weight(question) == 0.6


def test_brief_command_formats(bundled_index, tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    corpus, index = bundled_index
    where = ["--corpus", str(corpus), "--index", str(index)]
    runner = CliRunner()
    shown = runner.invoke(app, ["brief", "Nscale", *where])
    assert shown.exit_code == 0 and shown.stdout.startswith("# Brief: Nscale")
    page = tmp_path / "nscale.html"
    wrote = runner.invoke(app, ["brief", "Nscale", "-o", str(page), *where])
    assert wrote.exit_code == 0 and page.read_text().startswith("<!DOCTYPE html>")
    data = json.loads(runner.invoke(app, ["brief", "nscale", "--json", *where]).stdout)
    assert set(data) == {
        "subject", "kind", "name", "type", "mentions", "posts", "first_date",
        "last_date", "months", "key_sentences", "deals", "partners", "money", "events",
    }  # fmt: skip
    missing = runner.invoke(app, ["brief", "存在しない言葉ゾゾゾ", *where])
    assert missing.exit_code == 1 and "nothing in the index" in missing.stderr
    bad = runner.invoke(app, ["brief", "a OR", *where])  # query syntax
    assert bad.exit_code == 2


def test_a_money_chart_label_is_cut_by_display_width():
    # 最大1000億ドル NVIDIA→OpenAI is 28 characters but 33 columns: cut by
    # characters it overflowed the chart's left edge.
    from airesearch.output.readable import cut_to, display_width

    label = "最大1000億ドル NVIDIA→OpenAI"
    cut = cut_to(label, 26)
    assert display_width(cut) <= 26 and cut.endswith("…")
    assert cut_to("62億ドル", 26) == "62億ドル"
