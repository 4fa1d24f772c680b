"""Deal figures: each money figure of a passage (money.py) with its sentence,
the entities named there, who pays whom when the sentence says it plainly, and a
kind from cue words. Runs in the indexer, on top of the passage's entity mentions.
"""

from __future__ import annotations

import re
from collections import namedtuple

from airesearch.ingest.money import find_money
from airesearch.ingest.roles import listed_amount, names_before, who_pays
from airesearch.tokens import normalize, offset_mapper

# One figure as the index stores it; offsets are in the passage text.
Figure = namedtuple(
    "Figure",
    "min max currency qualifier per surface start end sentence_start sentence_end"
    " kind payer payee parties entities entity_keys restated pairs",
    defaults=(None, []),
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
        "|導入支援|初期構築|初期費用|導入費用|構築費|運用費"
        "|入力|出力|トークンあたり",  # a model's price per token: 入力$2.50、出力$10
    ),
    ("capex", "設備投資|設備|建設費|建設|構築|支出計画|設備支出|資本支出|研究開発費"),
    (
        "invest",
        "投資|投じ|出資|拠出|買収|契約|提携|資金調達|調達|コミット|融資|資金提供|取得|合意|支払"
        "|投(?:[（(]|$)"  # a headline cut short: 「…への20億ドル投（」
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
    "|基盤(?!モデル)"  # クラウド基盤強化のため…投資; not 基盤モデル, a product
    "|AI研究|計算資源|サーバー|開発に|開発へ"
)
# A place the money is spent in (アリゾナ州に, 日本国内で): one's own spending.
IN_PLACE = re.compile(r"(?:州|県|市|省|国内|国)?(?:に|へ|で)")
# Each of a list of companies with its amount (Googleが…、Metaが…をそれぞれ計画):
# their own plans, capex unless a cue says otherwise.
EACH_PLANS = re.compile("それぞれ|各社")
# Money into another company, fund or project is a deal even near OWN_SPENDING.
OTHERS = re.compile(
    "出資|買収|調達|融資|資金提供|ファンド|スタートアップ|株式|企業に|社に|補助金"
    "|助成|合弁"
)
# Between the two figures of a change: "700億ドルから720億ドル".
CHANGE_LINK = re.compile(r"\s?から\s?")


def figure_kind(
    sentence: str,
    per: str | None,
    start: int = 0,
    end: int = 0,
    payee: str | None = None,
    in_place: bool = False,
) -> str:
    """The kind named nearest the amount (sentence[start:end]): cue words just
    around it first ("30億ドルを投資" is a deal even if 評価額 comes later),
    then anywhere in the sentence. Money invested with no company receiving it,
    into a company's own facilities, research or development, or in a place
    (in_place: アリゾナ州に…投資), is capex."""
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
    if payee is None and (in_place or own_spending(sentence, start, end)):
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
    text: str,
    mentions: list[tuple],
    normal: str | None = None,
    owners: dict[str, str] | None = None,
) -> list[Figure]:
    """Money figures of one passage. mentions: rows of pipeline.analyse_text
    (key, name, type, surface, start, end, sentence_start, sentence_end);
    normal: the passage's NFKC text, if the caller has it already; owners: the
    gazetteer's parents (entity key -> parent key), for who_pays."""
    from airesearch.ingest.passages import sentence_of, sentence_spans

    normal = normalize(text) if normal is None else normal
    figures = find_money(normal)
    if not figures:
        return []
    sentences = sentence_spans(text)
    to_text = offset_mapper(text, normal)
    found = []
    previous = None
    spans = [(to_text(money.start), to_text(money.end)) for money in figures]
    for money, (start, end) in zip(figures, spans, strict=True):
        s_start, s_end = sentence_of(sentences, start)
        sentence = text[s_start:s_end]
        named = [m for m in mentions if s_start <= m.start and m.end <= s_end]
        others = [(a - s_start, b - s_start) for a, b in spans
                  if s_start <= a and b <= s_end and a != start]  # fmt: skip
        payer, payee, parties, pairs = who_pays(
            sentence, start - s_start, end - s_start, named, s_start, others,
            owners,
        )  # fmt: skip
        in_place = any(
            m.type == "place" and m.end <= start
            and IN_PLACE.match(sentence, m.end - s_start)
            for m in named
        )  # fmt: skip
        kind = figure_kind(
            sentence, money.per, start - s_start, end - s_start, payee, in_place
        )
        if kind not in ROLE_KINDS:  # a price, a valuation, revenue: nobody pays
            payer = payee = None
            parties, pairs = names_before(named, start), []
        elif kind == "capex" and payee:  # spending on one's own: no payee
            payee, parties = None, [payer] if payer else names_before(named, start)
            pairs = []
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
                money.restated, pairs,
            )
        )  # fmt: skip
    return share_list_kinds(text, found)


def share_list_kinds(text: str, found: list[Figure]) -> list[Figure]:
    """Amounts listed in one sentence (A…X、B…Y、C…Z) share its kind: the
    kind one of them has (capex before deal), or capex for companies' own
    plans listed each with an amount (それぞれ計画)."""
    by_sentence: dict[tuple, list[int]] = {}
    for i, figure in enumerate(found):
        by_sentence.setdefault((figure.sentence_start, figure.sentence_end), []).append(
            i
        )
    for (s_start, s_end), members in by_sentence.items():
        listed = [
            i for i, j in zip(members, members[1:], strict=False)
            if listed_amount(text, found[i].end, found[j].start)
        ]  # fmt: skip
        if not listed:
            continue
        group = sorted({*listed, *(members[members.index(i) + 1] for i in listed)})
        kinds = {found[i].kind for i in group} - {"other"}
        if kinds & {"capex", "deal"}:
            kind = "capex" if "capex" in kinds else "deal"
        elif not kinds and EACH_PLANS.search(text, s_start, s_end):
            kind = "capex"
        else:
            continue
        for i in group:
            if found[i].kind in ("other", "deal", "capex") and not found[i].payee:
                found[i] = found[i]._replace(kind=kind)
    return found


# The kinds whose sentences can say who pays: a deal (payer and payee), capex
# (the spender).
ROLE_KINDS = ("deal", "capex")


def merge_repeats(figures: list[tuple[int, Figure]]) -> list[tuple[int, Figure, int]]:
    """(passage seq, figure, mentions): the same amount with the same parties,
    repeated inside one post, is one record counted as often as it appears; its
    kind is the first one that is not "other" (a headline rarely says). The
    same amount again with fewer parties and no other roles (a headline, a
    summary) is the same record: one figure, one row."""
    merged: dict[tuple, list] = {}
    for seq, figure in figures:
        key = (figure.min, figure.max, figure.currency, figure.per, figure.payer,
               figure.payee, tuple(sorted(figure.parties)),
               tuple(map(tuple, figure.pairs)))  # fmt: skip
        if key not in merged:
            key = next((k for k in merged if same_figure(merged[k][1], figure)), key)
        if key in merged:
            merged[key][2] += 1
            if merged[key][1].kind == "other" and figure.kind != "other":
                merged[key][1] = merged[key][1]._replace(kind=figure.kind)
            if richer(figure, merged[key][1]):
                merged[key][1] = figure._replace(kind=merged[key][1].kind)
                merged[key][0] = seq
        else:
            merged[key] = [seq, figure, 1]
    return [tuple(item) for item in merged.values()]


def same_figure(a: Figure, b: Figure) -> bool:
    """The same amount, one's parties within the other's, roles not at odds."""
    if (a.min, a.max, a.currency, a.per) != (b.min, b.max, b.currency, b.per):
        return False
    smaller, larger = sorted((set(a.parties), set(b.parties)), key=len)
    if not smaller <= larger:
        return False
    return all(x is None or y is None or x == y
               for x, y in ((a.payer, b.payer), (a.payee, b.payee)))  # fmt: skip


def richer(new: Figure, old: Figure) -> bool:
    """Whether new says more of the same figure: roles, then parties."""

    def said(f):
        roles = (f.payer is not None) + (f.payee is not None)
        return max(roles, len(f.pairs)), len(f.parties)

    return said(new) > said(old)
