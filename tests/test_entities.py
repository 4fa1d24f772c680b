import tomllib
from pathlib import Path

import pytest

from airesearch.errors import AiresearchError
from airesearch.ingest.entities import find_mentions
from airesearch.ingest.gazetteer import load_gazetteer
from airesearch.ingest.passages import clean_inline
from airesearch.ingest.pipeline import analyse_text
from airesearch.queries.entities import entities, entity_profile, resolve_entity
from airesearch.tokens import analyse, normalize

from .conftest import index_fixture

EXPECTED = tomllib.loads(
    (Path(__file__).parent / "expected_entities.toml").read_text(encoding="utf-8")
)


def names_in(text: str) -> list[tuple[str, str]]:
    """(canonical name, type) of every mention in a passage, in order."""
    normal = normalize(clean_inline(text))
    name_tokens = analyse(normal, names=True).name_tokens
    return [
        (m.name, m.type) for m in find_mentions(normal, name_tokens, load_gazetteer())
    ]


MENTION_CASES = (
    (
        "NvidiaはNscaleに6億8,300万ドルを投資した。",
        [("NVIDIA", "org"), ("Nscale", "org")],
    ),
    ("「Microsoft」と（Aker）が提携", [("Microsoft", "org"), ("Aker", "org")]),
    ("**Microsoft**が発表した", [("Microsoft", "org")]),
    ("ＮＶＩＤＩＡとＡＷＳ", [("NVIDIA", "org"), ("AWS", "org")]),
    ("エヌビディアの決算", [("NVIDIA", "org")]),
    ("Amazon Web Servicesの新サービス", [("AWS", "org")]),
    ("メタ・プラットフォームズとメタ", [("Meta", "org"), ("Meta", "org")]),
    ("CEOのジェンスン・フアン氏が語った", [("ジェンスン・フアン", "person")]),
    ("HUMAINとArkon Energyが参加", [("HUMAIN", "org"), ("Arkon Energy", "org")]),
    ("NVIDIA GB200 NVL72を採用", [("NVIDIA", "org"), ("GB200 NVL72", "product")]),
    ("Nvidia GB300 GPUを10万基", [("NVIDIA", "org"), ("GB300", "product")]),
    (
        "ノルウェーのナルヴィクと英国のラウトン",
        [
            ("ノルウェー", "place"),
            ("ナルヴィク", "place"),
            ("英国", "place"),
            ("ラウトン", "place"),
        ],
    ),  # fmt: skip
    (
        "KDDI、さくらインターネット、ハイレゾが日本GPUアライアンスを設立",
        [
            ("KDDI", "org"),
            ("さくらインターネット", "org"),
            ("ハイレゾ", "org"),
            ("日本GPUアライアンス", "org"),
        ],
    ),  # fmt: skip
    ("大阪堺データセンター", [("大阪", "place"), ("堺", "place")]),
    ("Oracle Cloud Infrastructure（OCI）", [("OCI", "product")]),
    ("TPU（Tensor Processing Unit）を使う", [("TPU", "product")]),
    (
        "Microsoft FabricとAzure AI Foundry",
        [
            ("Microsoft Fabric", "product"),
            ("Azure AI Foundry", "product"),
        ],
    ),  # fmt: skip
)


@pytest.mark.parametrize("text, expected", MENTION_CASES)
def test_names_are_found_whole_and_canonical(text, expected):
    assert names_in(text) == expected


NOT_ENTITIES = (
    "AIとGPUとCEOとLLMの話",
    "データセンターとクラウドの話",
    "君も私もそう思う",
    "メタデータとメタバース",
    "ヘテロジニアス・コンピューティングの時代",
    "Foundation ModelとExplainable AI",
)


@pytest.mark.parametrize("text", NOT_ENTITIES)
def test_generic_words_are_not_entities(text):
    assert names_in(text) == []


def test_mentions_keep_offsets_and_sentence_in_the_original_text():
    # "…" becomes "..." under NFKC, so offsets must be mapped back.
    passage = "最初の文…です。ＮｖｉｄｉａはNscaleに投資した。"
    indexed, rows, _ = analyse_text(passage)
    spans = {
        row[1]: (passage[row[4] : row[5]], passage[row[6] : row[7]]) for row in rows
    }
    assert spans == {
        "NVIDIA": ("Ｎｖｉｄｉａ", "ＮｖｉｄｉａはNscaleに投資した。"),
        "Nscale": ("Nscale", "ＮｖｉｄｉａはNscaleに投資した。"),
    }
    assert "nvidia" in indexed.split()


def test_precision_and_recall_on_the_bundled_posts(bundled):
    found = {(row.name, row.type) for row in entities(bundled, top=0)}
    expected = set(EXPECTED.items())
    assert len(expected) >= 40
    right = found & expected
    precision, recall = len(right) / len(found), len(right) / len(expected)
    assert precision >= 0.9, sorted(found - expected)
    assert recall >= 0.9, sorted(expected - found)


def test_summary_counts_spellings_dates_and_co_mentions(bundled):
    (nvidia,) = [row for row in entities(bundled, top=0) if row.name == "NVIDIA"]
    assert nvidia.type == "org" and nvidia.posts == 5
    assert set(nvidia.aliases) == {"NVIDIA", "Nvidia"}
    assert nvidia.first_date == "2025-09-19" and nvidia.last_date == "2025-11-30"
    assert nvidia.co_mentions[0]["passages"] >= nvidia.co_mentions[-1]["passages"]
    places = entities(bundled, entity_type="place", top=0)
    assert places and all(row.type == "place" for row in places)
    assert [r.name for r in entities(bundled, top=3)] == ["NVIDIA", "Meta", "Nscale"]
    assert all(r.posts >= 3 for r in entities(bundled, top=0, min_posts=3))
    by_name = [r.name for r in entities(bundled, top=0, sort="name")]
    assert by_name == sorted(by_name, key=str.casefold)
    september = entities(bundled, top=0, until="2025-09-30")
    assert {r.last_date for r in september} <= {"2025-09-19", "2025-09-22"}


@pytest.mark.parametrize(
    "typed", ("NVIDIA", "nvidai", "ｎｖｉｄｉａ", "エヌビデア", "エヌビディア")
)
def test_entity_lookup_tolerates_case_width_and_typos(bundled, typed):
    assert resolve_entity(bundled, typed) == "nvidia"


def test_ambiguous_and_unknown_names_are_errors(bundled):
    # GB00 is as close to GB200 as to GB300.
    with pytest.raises(AiresearchError, match="ambiguous: (GB200, GB300|GB300, GB200)"):
        resolve_entity(bundled, "GB00")
    with pytest.raises(AiresearchError, match="no entity like"):
        resolve_entity(bundled, "Zyxwvut")


def test_profile_has_months_posts_and_highlighted_examples(bundled):
    profile = entity_profile(bundled, "nscale")
    assert profile.name == "Nscale" and profile.posts == 1
    assert profile.per_month == [{"month": "2025-09", "mentions": profile.mentions}]
    assert profile.top_posts[0]["path"] == "000_4dd06db96976100c.txt"
    for example in profile.examples:
        assert all(example["sentence"][s:e] == "Nscale" for s, e in example["matches"])


TICKER_POSTS = {
    # The acceptance corpus writes NVIDIA's ticker beside its name.
    "ticker.md": "---\ntitle: 決算\n---\n"
    "NVIDIA（NVDA）の株価が上がった。NVDAは最高値を更新。\n",
    "ticker-alone.md": "---\ntitle: 株価\n---\nNVDAの出来高が増えた。\n",
    "nvidia.md": "---\ntitle: GPU\n---\nNVIDIAがGPUを発表した。NVIDIAは強い。\n",
    "nvidia2.md": "---\ntitle: GPU2\n---\nNVIDIAの新製品。NVIDIAとAMD。\n",
    "palantir.md": "---\ntitle: 防衛\n---\n"
    "Palantirが契約を得た。PLTRの株価も上がった。\n",
}


tickers = index_fixture("tickers", TICKER_POSTS)


def test_a_ticker_beside_its_company_is_an_alias_of_it(tickers):
    listed = {row.name: row for row in entities(tickers, top=0)}
    assert "NVDA" in listed["NVIDIA"].aliases
    assert "PLTR" in listed["Palantir"].aliases
    assert "PLTR" not in listed


def test_two_swapped_letters_are_one_typo_and_the_nearest_name_wins(tickers):
    # NVDA alone (ticker-alone.md) stays a name of its own; nvidai is one swap
    # from NVIDIA and two edits from NVDA.
    assert "NVDA" in {row.name for row in entities(tickers, top=0)}
    assert resolve_entity(tickers, "nvidai") == "nvidia"


# Issue 10: names that are not names, products in 「」 after their maker, tiers
# of a product, and types learned from the words around the gazetteer's names.
# The sentences follow corpus-sample; Zyphra, Quillon, Veltrix and Orbitas are
# in no gazetteer.
@pytest.mark.parametrize(
    "text",
    (
        "TSMCの3nmプロセスで作る。",
        "Llama 3の70Bモデルを使う。",
        "TPU v7が登場した。",
        "FP16とINT8で計算する。",
        "LLMsとLWMsの違い。",
        "Level 4の自動運転が始まる。",
    ),
)
def test_sizes_versions_formats_and_plurals_are_not_names(text):
    names = {name for name, _ in names_in(text)}
    assert not names & {"3nm", "70B", "v7", "FP16", "INT8", "LLMs", "LWMs", "Level"}


def test_a_name_in_brackets_after_its_maker_is_a_product():
    assert ("X-Ghost", "product") in names_in("ソフトバンク「X-Ghost」を発表。")
    assert ("Reflect-Dit", "product") in names_in(
        "パナソニックの「Reflect-Dit」が話題だ。"
    )


LEARNING_POSTS = {
    f"post{number}.md": f"---\ntitle: 記事{number}\n---\n{body}\n"
    for number, body in enumerate(
        (
            "NVIDIAの株価が上がった。NVIDIA社のCEOが語った。",
            "Microsoftの株価が下がった。Microsoft社のCEOが語った。",
            "OpenAIの株価はない。OpenAI社のCEOが語った。",
            "Metaの株価が上がった。Meta社のCEOが語った。",
            "Geminiのモデルは強い。Geminiを搭載した端末。",
            "ChatGPTのモデルは強い。ChatGPTを搭載した端末。",
            "Claudeのモデルは強い。Claudeを搭載した端末。",
            "Llamaのモデルは強い。Llamaを搭載した端末。",
            "Zyphraの株価が上がった。Zyphra社のCEOが語った。Zyphraの株価。",
            "Quillonのモデルは強い。Quillonを搭載した端末。Quillonのモデル。"
            "Quillonを搭載する。",
            "Veltrixの株価が上がった。Veltrix社のCEOが語った。",
            "Orbitasのモデルは強い。Orbitasを搭載した端末。Orbitasのモデル。",
            "AnthropicのClaude Opusが出た。新しいOpusは速い。Opusの評価。",
        )
    )
}
LEARNED = {"Zyphra": "org", "Quillon": "product", "Veltrix": "org",
           "Orbitas": "product", "Opus": "product"}  # fmt: skip


learning = index_fixture("learning", LEARNING_POSTS)


def test_types_are_learned_from_the_words_around_the_gazetteers_names(learning):
    listed = {row.name: row.type for row in entities(learning, top=0)}
    assert {name: listed.get(name) for name in LEARNED} == LEARNED


def test_learned_list_meets_the_precision_and_type_goals(learning):
    # Goals of issue 10: >= 0.97 of the listed names are names, >= 0.95 typed right.
    truth = {"NVIDIA": "org", "Microsoft": "org", "OpenAI": "org", "Meta": "org",
             "Gemini": "product", "ChatGPT": "product", "Claude": "product",
             "Llama": "product", "Anthropic": "org", "Claude Opus": "product",
             **LEARNED}  # fmt: skip
    listed = entities(learning, top=0)
    names = [row for row in listed if row.name in truth]
    assert len(names) / len(listed) >= 0.97
    right = sum(row.type == truth[row.name] for row in names)
    assert right / len(names) >= 0.95


def test_aggregates_after_updates_equal_a_fresh_build(tmp_path):
    # The entity tables kept in step with each post (aggregates.py) must say
    # what a build from scratch says, after posts are added, changed and deleted.
    import shutil

    from airesearch.index.build import open_index, update_index
    from airesearch.queries.deals import entity_deal_totals, load_rates

    from .conftest import BUNDLED

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    updated = tmp_path / "updated.sqlite"
    update_index(corpus, updated, workers=1)
    first, *_, last = sorted(corpus.iterdir())
    first.unlink()
    last.write_text(
        last.read_text(encoding="utf-8") + "\n\nNVIDIAはZyphraに10億ドルを投資した。\n",
        encoding="utf-8",
    )
    (corpus / "new.md").write_text(
        "---\ntitle: 新\ndate: 2026-01-01\n---\nMetaとNVIDIAが提携した。\n",
        encoding="utf-8",
    )
    update_index(corpus, updated, workers=1)
    fresh = tmp_path / "fresh.sqlite"
    update_index(corpus, fresh, workers=1)
    answers = []
    for index in (updated, fresh):
        conn = open_index(index)
        answers.append(
            (
                # The generic words' cues too (a thing's, not a name's).
                conn.execute(
                    "SELECT entity, cue, n FROM entity_cues"
                    " WHERE type = 'term' AND n > 0 ORDER BY 1, 2"
                ).fetchall(),
                # Each deal once per entity, however many posts tell it.
                conn.execute(
                    "SELECT * FROM entity_deal_tellings ORDER BY 1, 2"
                ).fetchall(),
                conn.execute("SELECT * FROM entity_deals ORDER BY 1, 2").fetchall(),
                entities(conn, top=0),
                entities(conn, top=0, since="2025-09-20"),
                entity_profile(conn, "NVIDIA"),
                entity_deal_totals(conn, load_rates()),
            )
        )
        conn.close()
    assert answers[0] == answers[1]


# A name in no gazetteer that the corpus writes only as the generic words (GPU,
# API, IoT, SaaS) are written, as a thing (を導入, 技術, 分野), is no name:
# learned from the generic words' contexts, not from a list. Kelvra, written so
# too but also as the one who announces (が発表), and Zenlix, listed with a
# gazetteer company, stay names.
THING_POSTS = {
    f"t{number}.md": f"---\ntitle: 記事{number}\n---\n{body}\n"
    for number, body in enumerate(
        (
            *(f"{word}を導入した。{word}技術が進む。{word}分野は広い。"
              for word in ("GPU", "API", "IoT", "SaaS")),
            *(f"{name}が発表した。{name}の株価が上がった。{name}社のCEOが語った。"
              for name in ("NVIDIA", "Microsoft", "Meta", "OpenAI", "Google")),
            "RPAXを導入した。RPAX技術が進む。RPAX分野は広い。RPAXを導入する。",
            "Kelvraを導入した。Kelvra技術が進む。Kelvra分野は広い。Kelvraが発表した。",
            "Zenlixを導入した。Zenlix技術が進む。Zenlix分野は広い。NVIDIAやZenlixが語る。",
        )
    )
}  # fmt: skip
things = index_fixture("things", THING_POSTS)


def test_a_name_written_only_as_a_thing_is_not_listed(things):
    names = {row.name for row in entities(things, top=0)}
    assert "RPAX" not in names
    assert {"Kelvra", "Zenlix", "NVIDIA", "Meta"} <= names


@pytest.mark.parametrize("bill", ("SB53", "SB 53", "AB 2013"))
def test_the_number_of_a_bill_is_not_a_name(bill):
    found = names_in(f"カリフォルニア州の{bill}が成立した。")
    assert found == [("カリフォルニア", "place")]


GLOSS_POSTS = {
    f"g{n}.md": (
        f"---\ntitle: 記事{'甲乙丙丁'[n]}\n---\n"
        "生活の質を高める。QOL（生活の質）の向上が鍵だ。\n\n"
        "推論（Reasoning）の力が伸びた。\n\n"
        "JDLA（日本ディープラーニング協会）が指針を出した。\n\n"
        "Kuaishou（快手）が動画AIを公開した。\n"
    )
    for n in range(4)
}
glossed = index_fixture("glossed", GLOSS_POSTS)


def test_a_term_glossed_in_japanese_is_not_a_name(glossed):
    # QOL（生活の質）, 推論（Reasoning）: terms; JDLA（…協会）, Kuaishou（快手）: names.
    names = {row.name for row in entities(glossed, top=0)}
    assert {"JDLA", "Kuaishou"} <= names
    assert not {"QOL", "Reasoning"} & names


def cues(text: str, name: str) -> tuple[str, str]:
    """The context cues (before, after) of name in text."""
    from airesearch.ingest.entity_context import context_cues

    normal = normalize(text)
    start = normal.index(name)
    return context_cues(normal, start, start + len(name))


def test_cues_say_what_a_gloss_names_and_a_name_after_an_organisation():
    def after(text: str, name: str) -> str:
        return cues(text, name)[1]

    assert after("JDLA（日本ディープラーニング協会）", "JDLA") == "(組織)"
    assert after("UAE（アラブ首長国連邦）は", "UAE") == "(地名)"
    assert after("QOL（生活の質）の向上", "QOL") == "(訳)"
    assert after("Kuaishou（快手）は", "Kuaishou") == "("  # a name, not a gloss
    _, rows, _ = analyse_text("AdobeのPhotoshopが新機能を得た。")
    before = {row.name: row.cue_before for row in rows}
    assert before["Photoshop"] == "[組織]の" and before["Adobe"] != "[組織]の"


def test_a_name_glossing_a_described_place_is_a_place():
    assert cues("アラブ首長国連邦（UAE）に投資する。", "UAE")[0] == "(地名)"
    assert cues("推論（Reasoning）の力", "Reasoning")[0] == "(訳)"


def test_an_acronym_spelled_out_in_english_words_is_a_term_and_a_speed_no_name():
    def after(text: str, name: str) -> str:
        return cues(text, name)[1]

    assert after("AIaaS（AI as a Service）の普及", "AIaaS") == "(訳)"
    assert after("LiDAR（Light Detection and Ranging）", "LiDAR") == "(訳)"
    assert after("OECD（Organisation for Economic Co-operation）", "OECD") == "(組織)"
    assert after("ROS（Robot Operating System）", "ROS") == "("  # a product's name
    assert "800G" not in {
        name for name, _ in names_in("800Gの光トランシーバーが普及する。")
    }


def test_a_name_inside_the_english_gloss_of_a_japanese_term_is_glossed():
    # The gloss holds more than the name: a prefix, an acronym and a colon.
    assert cues("倫理バイデザイン（Ethics by Design）の考え方", "Design")[0] == "(訳)"
    text = "脳波インターフェース（BCI: Brain-Computer Interface）の話題"
    assert cues(text, "Brain-Computer Interface")[0] == "(訳)"
    assert cues("Boston Dynamicsの「Spot」", "Boston Dynamics")[0] != "(訳)"
    assert cues("エヌビディア（NVIDIA）は", "NVIDIA")[0] == "("  # a transliteration


def test_a_name_listed_beside_a_gazetteer_name_gets_that_names_type_as_a_cue():
    _, rows, _ = analyse_text("Word、Excel、Zorbletを使う。NVIDIAやAMDが出資した。")
    listed = {row.name: (row.cue_before, row.cue_after) for row in rows}
    assert listed["Word"][1] == "[製品]列"
    assert listed["Zorblet"][0] == "[製品]列"
    assert listed["AMD"][0] == "[組織]列"  # gazetteer names teach the cue


LIST_POSTS = {
    f"l{n}.md": (
        f"---\ntitle: 一覧{n}\n---\n"
        "H100、H200、B200が並ぶ。TPUやTrainiumも出た。GB200やBlackwellを使う。\n\n"
        "NVIDIA、AMD、Intelが競う。MicrosoftやGoogleやMetaも動く。\n\n"
        "Zorblet、Excel、Outlookで資料を作る。ExcelやZorbletが便利だ。\n\n"
        "AzureとZorbletで動かす。\n"
    )
    for n in range(4)
}
listed_together = index_fixture("listed_together", LIST_POSTS)


def test_a_name_listed_with_products_is_typed_a_product(listed_together):
    types = {row.name: row.type for row in entities(listed_together, top=0)}
    assert types["Zorblet"] == "product"  # by shape alone it would be org
