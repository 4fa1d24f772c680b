"""`timeline`: events read from a sentence's structure (a named subject, the
action's word, the object's particle, a past predicate), never from
speculation, plans, questions or unnamed subjects; each event told once
however many posts tell it; the command's options, output and errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from airesearch.cli.app import app
from airesearch.index.build import open_index, update_index
from airesearch.ingest.events import find_events, stated_day
from airesearch.ingest.pipeline import analyse_text
from airesearch.queries.deals import load_rates
from airesearch.queries.timeline import timeline, timeline_of

from .conftest import write_corpus

# sentence -> (actor, action, object) or None: one case per rule.
EVENT_CASES = (
    ("ASMLは、Mistral AIに対し13億ユーロの投資を実行しました。",
     ("asml", "invest", "Mistral AI")),
    ("NiCEがCognigyの買収を完了しました。", ("nice", "acquire", "Cognigy")),
    ("OpenAIはStripeと提携した。", ("openai", "partner", "Stripe")),
    ("OpenAIは2025年8月7日に「GPT-5」を発表しました。", ("openai", "launch", "GPT-5")),
    ("Googleは「Gemini 3」を公開した。", ("google", "launch", "Gemini 3")),
    ("TSMCはAppleにチップを供給した。", ("tsmc", "supply", "Apple")),
    ("Microsoftは米ウィスコンシン州に新しいデータセンターを建設した。",
     ("microsoft", "build", "新しいデータセンター")),
    ("EUは「AI法」を施行した。", ("eu", "regulate", "AI法")),
    ("この投資は、Mistral AIが実施した総額17億ユーロの資金調達ラウンドの一部でした。",
     ("mistral ai", "raise", "")),
    # the action's own past verb, inside a longer sentence
    ("Baiduが新しいAIチップ「Kunlun 5」を発表したっていうニュースが飛び込んできた。",
     ("baidu", "launch", "Kunlun 5")),
    # not a fact: speculation, a plan, a question, a hypothetical, a state
    ("NVIDIAはOpenAIに投資する可能性がある。", None),
    ("NVIDIAはOpenAIに投資する予定だ。", None),
    ("NVIDIAはOpenAIに投資したのか？", None),
    ("NVIDIAがOpenAIに投資すれば市場は変わった。", None),
    ("メタはMTIAに投資している。", None),
    ("OpenAIが1000億ドルの資金調達を交渉中であるというニュースは衝撃的でした。", None),
    # who did it is not said: no actor, a pronoun, two subjects, a passive
    ("多くの企業がAIを導入した。", None),
    ("同社はStripeと提携した。", None),
    ("ソフトバンクが安川電機との提携を通じて進めたり、NTTがMujinと提携したりした。",
     None),
    ("「Blackwell」が発表された。", None),
    # the past verb ends another subject's clause
    ("MetaがLlamaを公開しているのに対し、Appleは詳細を明かさなかった。", None),
)  # fmt: skip


def events_of(sentence: str, post_date: str = "2026-01-10") -> list:
    _, mentions, figures = analyse_text(sentence)
    return find_events(sentence, mentions, figures, post_date)


@pytest.mark.parametrize("sentence, expected", EVENT_CASES)
def test_an_event_is_read_only_where_the_structure_states_it(sentence, expected):
    found = [(e.actor, e.action, e.object) for e in events_of(sentence)]
    assert found == ([expected] if expected else [])


def test_the_amount_is_the_clause_s_one_figure():
    sentence = "NVIDIAは10月6日、OpenAIに最大1000億ドルを投資すると発表した。"
    (event,) = events_of(sentence)
    assert sentence[event.amount_start :].startswith("最大1000億ドル")
    # two figures before the action: whose is which is not said
    (event,) = events_of(
        "MicrosoftはCoreWeaveと、3億ドルの出資と119億ドルの利用料を含む契約を締結した。"
    )
    assert event.action == "partner" and event.amount_start is None


@pytest.mark.parametrize(
    "sentence, post_date, expected",
    (
        ("2025年8月7日に発表した。", "2025-08-08", ("2025-08-07", "stated")),
        ("10月6日に発表した。", "2026-01-10", ("2025-10-06", "stated")),
        ("10月6日に発表した。", "2025-10-20", ("2025-10-06", "stated")),
        ("昨年3月に発表した。", "2026-01-10", ("2025-03", "stated")),
        ("今年３月に発表した。", "2026-05-10", ("2026-03", "stated")),
        ("発表した。", "2026-01-10T09:00:00+09:00", ("2026-01-10", "post")),
        ("2027年3月に発表した。", "2026-01-10", ("2026-01-10", "post")),
    ),
)
def test_the_day_is_stated_or_the_post_s(sentence, post_date, expected):
    assert stated_day(sentence, post_date) == expected


def news(day: str, body: str, title: str = "ニュース") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n---\n{body}\n"


CORPUS = {
    # one event, three posts, amounts compatible, within the window
    "a.md": news("2025-10-06", "NVIDIAは、OpenAIに最大1000億ドルを投資すると発表した。",
                 "NVIDIAがOpenAIに投資"),
    "b.md": news("2025-10-08", "NVIDIAがOpenAIに1000億ドルを投資した。"),
    "c.md": news("2025-10-20", "エヌビディアはOpenAIへの投資を実行した。"),
    # another round: another amount
    "d.md": news("2025-11-02", "NVIDIAはOpenAIに50億ドルを投資した。"),
    # the same words a year later: another event
    "e.md": news("2026-10-10", "NVIDIAはOpenAIに投資した。"),
    "f.md": news("2025-09-11", "NiCEがCognigyの買収を完了しました。\n\n"
                 "NiCEがCognigyの買収を完了しました。"),  # a repeated paragraph
    "g.md": news("2025-08-08", "OpenAIは2025年8月7日に「GPT-5」を発表しました。"),
    "h.md": news("2025-09-01", "NVIDIAはOpenAIに投資する可能性がある。"),
}  # fmt: skip


@pytest.fixture
def told(tmp_path):
    folder = write_corpus(tmp_path / "c", CORPUS)
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    yield conn
    conn.close()


def test_each_event_once_however_many_posts_tell_it(told):
    events = timeline(told, load_rates(), entity_key="nvidia")
    rows = [(e.when, e.action, e.object, e.amount, e.posts) for e in events]
    assert rows == [
        ("2025-10-06", "invest", "OpenAI", "最大1000億ドル", 3),
        ("2025-11-02", "invest", "OpenAI", "50億ドル", 1),
        ("2026-10-10", "invest", "OpenAI", None, 1),
    ]
    first = events[0]
    assert (first.first_date, first.last_date) == ("2025-10-06", "2025-10-20")
    assert [c["path"] for c in first.citations] == ["a.md", "b.md", "c.md"]
    assert first.title == "NVIDIAがOpenAIに投資" and first.usd_min == 100_000_000_000
    each = timeline(told, load_rates(), entity_key="nvidia", each=True)
    assert len(each) == 5  # one per telling


def test_filters_and_the_most_told_first(told):
    rates = load_rates()
    launched = timeline(told, rates, actions=("launch",))
    assert [(e.when, e.when_source, e.object) for e in launched] == [
        ("2025-08-07", "stated", "GPT-5")
    ]
    autumn = timeline(told, rates, since="2025-10-01", until="2025-10-31")
    assert [e.posts for e in autumn] == [3]
    top = timeline(told, rates, top=2)
    assert [e.posts for e in top] == [3, 1]
    nice = timeline_of(told, "Cognigy", rates)  # a repeated paragraph: once
    assert [(e.actor, e.action, e.posts, len(e.citations)) for e in nice] == [
        ("NiCE", "acquire", 1, 1)
    ]
    assert timeline_of(told, "GPT-5", rates)[0].actor == "OpenAI"


def test_the_blog_template_never_yields_events(tmp_path):
    footer = "OpenAIはStripeと提携した。"
    files = {
        f"p{n:02d}.md": news(
            f"2025-10-{n + 1:02d}", f"{topic}の話題。\n\n{footer}", f"{topic}の記事"
        )
        for n, topic in enumerate(
            "半導体 電力 冷却 光回線 量子 医療 金融 物流 教育 農業 宇宙 防衛".split()
        )
    }
    folder = write_corpus(tmp_path / "c", files)
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        assert timeline(conn, load_rates()) == []
        assert timeline(conn, load_rates(), with_boilerplate=True)[0].posts == 12
    finally:
        conn.close()


@pytest.fixture
def where(tmp_path) -> list[str]:
    folder = write_corpus(tmp_path / "c", CORPUS)
    return ["--corpus", str(folder), "--index", str(tmp_path / "i.sqlite")]


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_the_command_lists_events_as_data_and_tables(where):
    result = invoke("timeline", "エヌビディア", *where, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "when", "when_source", "actor", "action", "object", "amount", "currency",
        "usd_min", "usd_max", "posts", "first_date", "last_date", "path", "title",
        "citations",
    }  # fmt: skip
    assert set(rows[0]["citations"][0]) == {"path", "title", "date", "passage",
                                            "sentence"}  # fmt: skip
    table = invoke("timeline", *where, "--action", "acquire")
    assert table.exit_code == 0 and "NiCE\tacquire\tCognigy" in table.stdout
    csv = invoke("timeline", *where, "--csv", "--each")
    assert csv.stdout.splitlines()[0].startswith("when,when_source,actor,action")
    assert len(csv.stdout.splitlines()) == 1 + 7


@pytest.mark.parametrize(
    "args, code, message",
    (
        (["Zzyzxq"], 2, "no entity like 'Zzyzxq'"),  # as `entity` says it
        (["--since", "2025-13-01"], 2, "--since"),
        (["--action", "merge"], 2, "merge"),
        (["--since", "2030-01-01"], 1, "no events"),
    ),
)
def test_bad_input_is_one_line_and_no_events_is_exit_1(where, args, code, message):
    import sys
    from subprocess import run

    result = run(
        [sys.executable, "-m", "airesearch", "timeline", *args, *where, "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == code, result.stderr
    assert message in result.stderr and result.stderr.count("\n") <= 2


def test_a_brief_says_what_happened(told):
    from airesearch.output import brief_pages
    from airesearch.research.briefs import brief

    about = brief(told, "NVIDIA", load_rates())
    assert [(e.when, e.action, e.posts) for e in about.events] == [
        ("2025-10-06", "invest", 3),
        ("2025-11-02", "invest", 1),
        ("2026-10-10", "invest", 1),
    ]
    page = brief_pages.markdown(about)
    assert "## What happened" in page
    assert "| 2025-10-06 | NVIDIA | invest | OpenAI | 最大1000億ドル | 3 |" in page
    assert "<h2>What happened</h2>" in brief_pages.html(about)
    assert brief_pages.as_data(about)["events"][0]["posts"] == 3
    # a query's brief: the events its posts tell
    query = brief(told, "Cognigy", load_rates())
    assert [(e.actor, e.object) for e in query.events] == [("NiCE", "Cognigy")]


def test_graph_events_are_arrows_labelled_by_action_and_day(told):
    from airesearch.queries.relations import network
    from airesearch.research.graph_views import as_data, export, to_graph

    net = network(told, load_rates(), edges="events", min_weight=1)
    arrows = sorted(
        (e.source, e.target, e.action, e.first_date, e.posts) for e in net.edges
    )
    assert arrows == [
        ("nice", "cognigy", "acquire", "2025-09-11", 1),
        ("nvidia", "openai", "invest", "2025-10-06", 3),
        ("nvidia", "openai", "invest", "2025-11-02", 1),
        ("nvidia", "openai", "invest", "2026-10-10", 1),
        ("openai", "gpt-5", "launch", "2025-08-07", 1),
    ]
    graph = to_graph(net)
    assert {e["action"] for e in as_data(graph)["edges"]} == {"invest", "acquire",
                                                              "launch"}  # fmt: skip
    gexf = export(graph, "gexf")
    assert 'start="2025-10-06" end="2025-10-06"' in gexf  # Gephi's timeline
    assert "a.md" in gexf


def test_the_hand_labels_reach_the_issue_s_goals():
    # benchmarks/events.py on its own labels (60 sentences, 20 pairs of
    # corpus-sample): a rule that loses events or gives false ones fails CI,
    # not only a benchmark run. Goals: precision 0.9, coverage 0.7, pairs 0.9.
    import re
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "events.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    figures = dict(re.findall(r"^(precision|coverage|pair accuracy) ([0-9.]+)",
                              done.stdout, re.M))  # fmt: skip
    assert float(figures["precision"]) >= 0.9
    assert float(figures["coverage"]) >= 0.7
    assert float(figures["pair accuracy"]) >= 0.9
