"""Deal figures: each money figure of a passage (money.py) with its sentence,
the entities named there, who pays whom when the sentence says it plainly, and a
kind from cue words. Runs in the indexer, on top of the passage's entity mentions.
"""

from __future__ import annotations

import re
from collections import namedtuple

from airesearch.ingest.money import find_money
from airesearch.tokens import normalize, offset_mapper

# One figure as the index stores it; offsets are in the passage text.
Figure = namedtuple(
    "Figure",
    "min max currency qualifier per surface start end sentence_start sentence_end"
    " kind payer payee parties entities entity_keys restated",
    defaults=(None,),
)

# The kinds (models.KINDS; the README has the conventions): valuation of a
# company; price per unit, seat or month; capex, a company's spending on its own
# facilities, chips and research, even when the sentence says 投資 or 投じる;
# deal, money into or from another company, fund or project; revenue, sales and
# profit; market, a market's size or forecast; cost. The cue nearest the amount
# wins (ties in this order), else the first kind whose cue the sentence holds.
KIND_CUES = (
    (
        "valuation",
        "評価額|時価総額|企業価値|バリュエーション|評価され|(?:ドル|円)(?:評価|企業)|IPO",
    ),
    (
        "price",
        "料金|月額|年額|価格|年収|給与|単価|値段|利用料|サブスク|プラン|費用感"
        "|導入支援|初期構築|初期費用|導入費用|構築費|運用費",
    ),
    ("capex", "設備投資|設備|建設費|建設|構築|支出計画|設備支出|資本支出|研究開発費"),
    (
        "invest",
        "投資|投じ|出資|買収|契約|提携|資金調達|調達|コミット|融資|資金提供|取得|合意"
        "|支援|ラウンド|シリーズ[A-F]|からの|ファンド|基金|取引|社債|債券|借入|補助金"
        "|助成|売却|増資|合弁",
    ),
    ("revenue", "売上|売り上げ|収益|利益|収入|売上高|営業利益|純利益|赤字|黒字|計上"),
    (
        "market",
        "市場|規模に達|予測|見込|見通し|CAGR|年平均成長率|推定|推計|試算|産業",
    ),
    ("cost", "コスト|費用|電気代|損失|電力代|かかる|かかり|削減|罰金|制裁金"),
)
# What a company builds or does itself: money 投資 into these, with no company
# receiving it, is capex (TSMCは同工場に1000億ドルを投資; 約750億ドルをAI研究と
# データセンターの拡充に投じている).
OWN_SPENDING = re.compile(
    "工場|ファブ|施設|設備|拠点|キャンパス|データセンター|インフラ|研究開発|R&D"
    "|AI研究|計算資源|サーバー"
)
# Money into another company, fund or project is a deal even near OWN_SPENDING.
OTHERS = re.compile(
    "出資|買収|調達|融資|資金提供|ファンド|スタートアップ|株式|企業に|社に|補助金"
    "|助成|合弁"
)
PAY = re.compile("投資|出資|拠出|コミット|支払|融資|資金提供|提供")
ACQUIRE = re.compile("買収|取得")
RAISE = re.compile("調達|受け")
# A name before an amount, with offsets in its sentence (who_pays).
Named = namedtuple("Named", "name type start end")
# Between the two figures of a change: "700億ドルから720億ドル".
CHANGE_LINK = re.compile(r"\s?から\s?")
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
    lead = max(0, start - 10)
    # The amount itself is blanked: 推定 in 推定10億ドル is a qualifier, not a cue.
    near = sentence[lead:start] + " " * (end - start) + sentence[end : end + 14]
    found = nearest_cue(near, start - lead, end - lead) or next(
        (kind for kind, cues in KIND_CUES if re.search(cues, sentence)), None
    )
    if found is None:
        return "other"
    if found != "invest":
        return found
    if payee is None and own_spending(sentence, start, end):
        return "capex"
    return "deal"


def nearest_cue(text: str, start: int, end: int) -> str | None:
    """The kind whose cue word in text is closest to text[start:end] (ties: the
    order of KIND_CUES): 約10億ドルのコスト削減を見込む is a cost, not a forecast."""
    best = None
    for order, (kind, cues) in enumerate(KIND_CUES):
        for match in re.finditer(cues, text):
            after = match.start() >= end
            gap = match.start() - end if after else start - match.end()
            # A tie goes to the cue after the amount: 評価額8300億ドルで1000億ドル
            # の資金調達 (評価額 belongs to the amount before).
            candidate = (max(gap, 0), 0 if after else 1, order, kind)
            best = min(best, candidate) if best else candidate
    return best[3] if best else None


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
    from airesearch.ingest.passages import sentence_of, sentence_spans

    normal = normalize(text) if normal is None else normal
    figures = find_money(normal)
    if not figures:
        return []
    sentences = sentence_spans(text)
    to_text = offset_mapper(text, normal)
    found = []
    previous = None
    for money in figures:
        start, end = to_text(money.start), to_text(money.end)
        s_start, s_end = sentence_of(sentences, start)
        sentence = text[s_start:s_end]
        named = [m for m in mentions if s_start <= m.start and m.end <= s_end]
        payer, payee, parties = who_pays(
            sentence, start - s_start, end - s_start, named, s_start
        )
        kind = figure_kind(sentence, money.per, start - s_start, end - s_start, payee)
        if previous and CHANGE_LINK.fullmatch(normal[previous.end : money.start]):
            kind = found[-1].kind  # 700億ドルから720億ドルに: one thing, changed
        previous = money
        found.append(
            Figure(
                money.min, money.max, money.currency, money.qualifier, money.per,
                text[start:end], start, end, s_start, s_end,
                kind,
                payer, payee, parties,
                list(dict.fromkeys(m.name for m in named)),
                list(dict.fromkeys(m.key for m in named)),
                money.restated,
            )
        )  # fmt: skip
    return found


def who_pays(sentence: str, start: int, end: int, named: list, offset: int):
    """(payer, payee, parties) when the sentence says it plainly:
    AはBに…を投資 (A pays B), AがBを買収 (A pays B), AがBから調達 (B pays A),
    AとBの…契約 (parties A and B)."""
    before = [
        Named(m.name, m.type, m.start - offset, m.end - offset)
        for m in named
        if m.end - offset <= start and m.type != "place"
    ]
    rest = sentence[end:]
    verb = rest.split("。")[0]
    subjects = [b for b in before if SUBJECT.match(sentence, b.end)]
    payer = payee = None
    if subjects:
        subject = subjects[-1]
        if PAY.search(verb):
            payer, payee = subject.name, recipient(sentence[:start], before, subject)
        elif ACQUIRE.search(verb):
            objects = [b.name for b in before if sentence[b.end : b.end + 1] == "を"]
            objects += [
                name
                for name, following in after_names(sentence, named, end, offset)
                if following == "を"
            ]
            payer, payee = subject.name, objects[-1] if objects else None
        elif RAISE.search(verb):
            sources = [b for b in before if sentence[b.end : b.end + 2] == "から"]
            payee, payer = subject.name, sources[-1].name if sources else None
    if payer == payee:
        payee = None
    parties = [name for name in (payer, payee) if name]
    if not parties:
        parties = list(dict.fromkeys(b.name for b in before))
    return payer, payee, parties


def recipient(head: str, before: list[tuple], subject: tuple) -> str | None:
    """The name nearest before the last に of head, in the same clause and at
    most RECIPIENT_REACH characters before it: Nscaleに, or 「Stargate」と名付けた
    計画に (the plan named Stargate); not NVIDIA in 「NVIDIAが…、Anthropicが自社
    インフラに」."""
    position = head.rfind("に")
    while position > 0:
        named = [
            b
            for b in before
            if b.end <= position
            and b is not subject
            and position - b.end <= RECIPIENT_REACH
            and "、" not in head[b.end : position]
        ]
        if named:
            return named[-1].name
        position = head.rfind("に", 0, position)
    return None


RECIPIENT_REACH = 25


def after_names(sentence: str, named: list, end: int, offset: int) -> list[tuple]:
    """(name, following character) of the names after the amount."""
    return [
        (m.name, sentence[m.end - offset : m.end - offset + 1])
        for m in named
        if m.start - offset >= end and m.type != "place"
    ]


def merge_repeats(figures: list[tuple[int, Figure]]) -> list[tuple[int, Figure, int]]:
    """(passage seq, figure, mentions): the same amount with the same parties,
    repeated inside one post, is one record counted as often as it appears; its
    kind is the first one that is not "other" (a headline rarely says)."""
    merged: dict[tuple, list] = {}
    for seq, figure in figures:
        key = (figure.min, figure.max, figure.currency, figure.per, figure.payer,
               figure.payee, tuple(sorted(figure.parties)))  # fmt: skip
        if key in merged:
            merged[key][2] += 1
            if merged[key][1].kind == "other" and figure.kind != "other":
                merged[key][1] = merged[key][1]._replace(kind=figure.kind)
        else:
            merged[key] = [seq, figure, 1]
    return [tuple(item) for item in merged.values()]
