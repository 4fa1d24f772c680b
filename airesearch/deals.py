"""Deal figures: each money figure of a passage (money.py) with its sentence,
the entities named there, who pays whom when the sentence says it plainly, and a
kind from cue words. Runs in the indexer, on top of the passage's entity mentions.
"""

from __future__ import annotations

import re
from collections import namedtuple

from airesearch.money import find_money
from airesearch.tokens import normalize, offset_mapper

# One figure as the index stores it; offsets are in the passage text.
Figure = namedtuple(
    "Figure",
    "min max currency qualifier per surface start end sentence_start sentence_end"
    " kind payer payee parties entities entity_keys restated",
    defaults=(None,),
)

# The kinds (README, "Deal figures", has the conventions): valuation of a
# company; price per unit, seat or month; capex, a company's spending on its own
# facilities, chips and research, even when the sentence says 投資 or 投じる;
# deal, money into or from another company, fund or project; revenue, sales and
# profit; market, a market's size or forecast; cost. Checked in this order: the
# first kind whose cue is near the amount, then in the sentence, wins.
KIND_CUES = (
    ("valuation", "評価額|時価総額|企業価値|バリュエーション|評価され"),
    ("price", "料金|月額|年額|価格|年収|給与|単価|値段|利用料|サブスク|プラン"),
    ("capex", "設備投資|設備|建設費|建設|支出計画|設備支出|資本支出|研究開発費"),
    (
        "invest",
        "投資|投じ|出資|買収|契約|提携|調達|コミット|融資|資金提供|取得|合意"
        "|支援|ラウンド|シリーズ[A-F]",
    ),
    ("revenue", "売上|売り上げ|収益|利益|収入|売上高|営業利益|純利益|赤字|黒字"),
    ("market", "市場|規模に達|予測|見込|見通し|CAGR|年平均成長率"),
    ("cost", "コスト|費用|電気代|損失|電力代"),
)
KINDS = ("valuation", "price", "capex", "deal", "revenue", "market", "cost", "other")
# What a company builds or does itself: money 投資 into these, with no company
# receiving it, is capex (TSMCは同工場に1000億ドルを投資; 約750億ドルをAI研究と
# データセンターの拡充に投じている).
OWN_SPENDING = re.compile(
    "工場|ファブ|施設|設備|拠点|キャンパス|データセンター|インフラ|研究開発|R&D"
    "|研究|開発|生産|製造|半導体製造|計算資源|サーバー|GPU"
)
# Money into another company, fund or project is a deal even near OWN_SPENDING.
OTHERS = re.compile(
    "出資|買収|調達|融資|資金提供|ファンド|スタートアップ|株式|企業に|社に"
)
PAY = re.compile("投資|出資|拠出|コミット|支払|融資|資金提供|提供")
ACQUIRE = re.compile("買収|取得")
RAISE = re.compile("調達|受け")
# A name followed (maybe after 自身, 社, 氏) by は, が or も is a subject.
SUBJECT = re.compile("(?:自身|社|氏)?[はがも]")


def figure_kind(
    sentence: str,
    per: str | None,
    start: int = 0,
    end: int = 0,
    payee: str | None = None,
) -> str:
    """The kind named nearest the amount (sentence[start:end]): cue words just
    around it first ("30億ドルを投資" is a deal even if 評価額 comes later),
    then anywhere in the sentence. Money invested with no company receiving it,
    into a company's own facilities or research, is capex."""
    if per and per != "year":  # 年間 amounts are annual totals, not prices
        return "price"
    near = sentence[max(0, start - 10) : end + 14]
    for text in (near, sentence):
        for kind, cues in KIND_CUES:
            if re.search(cues, text):
                if kind != "invest":
                    return kind
                if payee is None and own_spending(sentence, start, end):
                    return "capex"
                return "deal"
    return "other"


def own_spending(sentence: str, start: int, end: int) -> bool:
    """Whether the money goes to the spender's own facilities or research:
    such an object around the amount, and no other company, fund or stake."""
    around = sentence[max(0, start - 30) : end + 30]
    return bool(OWN_SPENDING.search(around)) and not OTHERS.search(around)


def find_figures(
    text: str, mentions: list[tuple], normal: str | None = None
) -> list[Figure]:
    """Money figures of one passage. mentions: rows of index.analyse_text
    (key, name, type, surface, start, end, sentence_start, sentence_end);
    normal: the passage's NFKC text, if the caller has it already."""
    from airesearch.entities import sentence_of, sentence_spans

    normal = normalize(text) if normal is None else normal
    figures = find_money(normal)
    if not figures:
        return []
    sentences = sentence_spans(text)
    to_text = offset_mapper(text, normal)
    found = []
    for money in figures:
        start, end = to_text(money.start), to_text(money.end)
        s_start, s_end = sentence_of(sentences, start)
        sentence = text[s_start:s_end]
        named = [m for m in mentions if s_start <= m[4] and m[5] <= s_end]
        payer, payee, parties = who_pays(
            sentence, start - s_start, end - s_start, named, s_start
        )
        found.append(
            Figure(
                money.min, money.max, money.currency, money.qualifier, money.per,
                text[start:end], start, end, s_start, s_end,
                figure_kind(sentence, money.per, start - s_start, end - s_start,
                            payee),
                payer, payee, parties,
                list(dict.fromkeys(m[1] for m in named)),
                list(dict.fromkeys(m[0] for m in named)),
                money.restated,
            )
        )  # fmt: skip
    return found


def who_pays(sentence: str, start: int, end: int, named: list, offset: int):
    """(payer, payee, parties) when the sentence says it plainly:
    AはBに…を投資 (A pays B), AがBを買収 (A pays B), AがBから調達 (B pays A),
    AとBの…契約 (parties A and B)."""
    before = [
        (m[1], m[2], m[4] - offset, m[5] - offset)
        for m in named
        if m[5] - offset <= start and m[2] != "place"
    ]
    rest = sentence[end:]
    verb = rest.split("。")[0]
    subjects = [b for b in before if SUBJECT.match(sentence, b[3])]
    payer = payee = None
    if subjects:
        subject = subjects[-1]
        if PAY.search(verb):
            payer, payee = subject[0], recipient(sentence[:start], before, subject)
        elif ACQUIRE.search(verb):
            objects = [b for b in before if sentence[b[3] : b[3] + 1] == "を"]
            objects += [
                m for m in after_names(sentence, named, end, offset) if m[1] == "を"
            ]
            payer, payee = subject[0], objects[-1][0] if objects else None
        elif RAISE.search(verb):
            sources = [b for b in before if sentence[b[3] : b[3] + 2] == "から"]
            payee, payer = subject[0], sources[-1][0] if sources else None
    if payer == payee:
        payee = None
    parties = [name for name in (payer, payee) if name]
    if not parties:
        parties = list(dict.fromkeys(b[0] for b in before))
    return payer, payee, parties


def recipient(head: str, before: list[tuple], subject: tuple) -> str | None:
    """The name nearest before the last に of head: Nscaleに, or 「Stargate」と
    名付けた…計画に (the plan named Stargate)."""
    position = head.rfind("に")
    while position > 0:
        named = [b for b in before if b[3] <= position and b is not subject]
        if named:
            return named[-1][0]
        position = head.rfind("に", 0, position)
    return None


def after_names(sentence: str, named: list, end: int, offset: int) -> list[tuple]:
    """(name, following character) of the names after the amount."""
    return [
        (m[1], sentence[m[5] - offset : m[5] - offset + 1])
        for m in named
        if m[4] - offset >= end and m[2] != "place"
    ]


def merge_repeats(figures: list[tuple[int, Figure]]) -> list[tuple[int, Figure, int]]:
    """(passage seq, figure, mentions): the same amount with the same parties,
    repeated inside one post, is one record counted as often as it appears."""
    merged: dict[tuple, list] = {}
    for seq, figure in figures:
        key = (figure.min, figure.max, figure.currency, figure.per, figure.payer,
               figure.payee, tuple(sorted(figure.parties)))  # fmt: skip
        if key in merged:
            merged[key][2] += 1
        else:
            merged[key] = [seq, figure, 1]
    return [tuple(item) for item in merged.values()]
