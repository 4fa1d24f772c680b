import pytest

from airesearch.analysis import analyse_text
from airesearch.deal_queries import deals, load_rates, totals
from airesearch.deals import figure_kind, find_figures, merge_repeats
from airesearch.errors import AiresearchError

NSCALE = "000_4dd06db96976100c.txt"


def figures_of(text: str):
    _, mentions, figures = analyse_text(text)
    assert figures == find_figures(text, mentions)
    return figures


PARTY_CASES = (
    (
        "NvidiaはNscaleに6億8,300万ドルを投資した。",
        "NVIDIA",
        "Nscale",
        ["NVIDIA", "Nscale"],
    ),
    (
        "MicrosoftがNscaleを50億ドルで買収した。",
        "Microsoft",
        "Nscale",
        ["Microsoft", "Nscale"],
    ),
    (
        "NscaleがNVIDIAから11億ドルを調達した。",
        "NVIDIA",
        "Nscale",
        ["NVIDIA", "Nscale"],
    ),
    ("OracleとMetaの200億ドル契約が話題だ。", None, None, ["Oracle", "Meta"]),
    ("AWSは米国で1000億ドルを投じる。", None, None, ["AWS"]),
)


@pytest.mark.parametrize("text, payer, payee, parties", PARTY_CASES)
def test_payer_and_payee_only_when_the_sentence_says_it_plainly(
    text, payer, payee, parties
):
    (figure,) = figures_of(text)
    assert (figure.payer, figure.payee, figure.parties) == (payer, payee, parties)


KIND_CASES = (
    ("評価額は300億ドルに達した。", "valuation"),
    ("料金は月額$20。", "price"),
    ("設備投資は800億ドル。", "capex"),
    ("Aker社と62億ドルで提携した。", "deal"),
    ("売上高は350億ドルだった。", "revenue"),
    ("市場は2030年に1兆ドル規模に達すると予測される。", "market"),
    ("電気代などのコストは10億円に上る。", "cost"),
    ("それは10億円だ。", "other"),
)


@pytest.mark.parametrize("text, kind", KIND_CASES)
def test_kind_from_cue_words(text, kind):
    (figure,) = figures_of(text)
    assert figure.kind == kind == figure_kind(text, figure.per)


def test_the_same_figure_repeated_in_a_post_is_one_record_with_a_count():
    sentence = "NvidiaはNscaleに6億8,300万ドルを投資した。"
    figures = [(seq, f) for seq in (1, 5) for f in figures_of(sentence)]
    figures += [(7, f) for f in figures_of("OracleとMetaの200億ドル契約。")]
    merged = merge_repeats(figures)
    assert [(seq, f.surface, count) for seq, f, count in merged] == [
        (1, "6億8,300万ドル", 2),
        (7, "200億ドル", 1),
    ]


def test_offsets_and_sentence_point_into_the_passage():
    text = "前置き…です。約10億ドルをNscaleがコミットした。"
    (figure,) = figures_of(text)
    assert text[figure.start : figure.end] == "約10億ドル"
    assert (
        text[figure.sentence_start : figure.sentence_end]
        == "約10億ドルをNscaleがコミットした。"
    )


def test_the_nscale_post_figures_come_out_with_numbers_and_parties(bundled):
    found = [d for d in deals(bundled, load_rates(), top=0) if d.path == NSCALE]
    by_amount = {}
    for deal in found:
        by_amount.setdefault(deal.amount, []).append(deal)
    (from_nvidia,) = by_amount["6億8,300万ドル"]
    assert (from_nvidia.min, from_nvidia.currency) == (683_000_000, "USD")
    assert (from_nvidia.payer, from_nvidia.payee) == ("NVIDIA", "Nscale")
    (stargate,) = by_amount["10億ドル"]
    assert stargate.min == 1_000_000_000 and stargate.payee == "Stargate"
    assert stargate.payer == "Nscale"
    partnership = [d for d in by_amount["62億ドル"] if "Aker" in d.parties]
    assert partnership and set(partnership[0].parties) == {"Microsoft", "Aker"}
    assert partnership[0].min == 6_200_000_000 and partnership[0].kind == "deal"


def test_filters_sorting_rates_and_totals(bundled):
    rates = load_rates()
    everything = deals(bundled, rates, top=0)
    usd = [d.usd_min for d in everything]
    assert usd == sorted(usd, reverse=True)
    nvidia = deals(bundled, rates, entity="nvidai", top=0)
    assert nvidia and all("NVIDIA" in d.entities for d in nvidia)
    big = deals(bundled, rates, minimum="1000億ドル", top=0)
    assert big and all(d.usd_min >= 100_000_000_000 for d in big)
    assert deals(bundled, rates, minimum="1e11", top=0) == big
    yen = deals(bundled, rates, currency="jpy", top=0)
    assert yen and {d.currency for d in yen} == {"JPY"}
    cheaper_yen = deals(bundled, load_rates(["JPY=100"]), currency="JPY", top=0)
    assert cheaper_yen[0].usd_min == pytest.approx(yen[0].usd_min * 1.5)
    dated = [d.date for d in deals(bundled, rates, sort="date", top=0)]
    assert dated == sorted(dated, reverse=True)
    summary = totals(everything)
    assert sum(t["count"] for t in summary) == len(everything)
    assert [d.kind for d in deals(bundled, rates, kind="market", top=0)] != []


def test_bad_options_are_clear_errors(bundled):
    with pytest.raises(AiresearchError, match="--rate wants CURRENCY"):
        load_rates(["JPY"])
    with pytest.raises(AiresearchError, match="--min wants a number or an amount"):
        deals(bundled, load_rates(), minimum="たくさん")
    with pytest.raises(AiresearchError, match="--since"):
        deals(bundled, load_rates(), since="yesterday")
