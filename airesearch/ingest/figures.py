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
        "投資|投じ|出資|買収|契約|提携|資金調達|調達|コミット|融資|資金提供|取得|合意|支払"
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
# A name before an amount, with offsets in its sentence (who_pays).
Named = namedtuple("Named", "name type start end key")
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
        payer, payee, parties = who_pays(
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
            parties = names_before(named, start)
        elif kind == "capex" and payee:  # spending on one's own: no payee
            payee, parties = None, [payer] if payer else names_before(named, start)
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
# Who pays whom: from the particles around the names of the amount's clause
# (see who_pays). Verbs that move money, by who pays: the subject (PAY,
# ACQUIRE: the object is the payee) or the source (RAISE: the subject is paid).
PAY = re.compile("投資|出資|拠出|支払|融資|資金提供|投じ|コミット")
ACQUIRE = re.compile("買収|取得|買い取")
RAISE = re.compile("調達|受け|獲得")
VERBS = (("pay", PAY), ("acquire", ACQUIRE), ("raise", RAISE))
# After a name: the payee of a payment (Nscaleに, Mistral AIに対し、, Intelへの,
# OpenAIのエージェントに), but not による (by), にとって, において, に関して.
TARGET = re.compile(
    r"(?:社|氏)?[」』]?"
    # OpenAIのエージェントに; 「Stargate」と名付けた計画に; Windsurfという…に
    r"(?:の[^、。「」『』（）()]{1,10}?|(?:と名付けた|という|と呼ばれる|といった|などの)"
    r"[^、。]{1,24}?)?"
    r"(?:に対して|に対し|に対する|への|へ|に)(?!よ|とって|おい|おけ|関|つい|伴|向|は)"
)
SOURCE = re.compile(r"(?:社|氏)?[」』]?から(?:の)?")
# The object of a purchase: Nscaleを, CoreWeave株式を, Synopsysの普通株を.
OBJECT = re.compile(r"(?:社|氏)?[」』]?(?:の)?(?:全?株式|普通株|株)?を(?![割引]|通じ)")
# The subscriber of a share issue pays: ソフトバンクを割当先とする.
ALLOTTEE = re.compile(r"(?:社|氏)?を(?:割当|割り当て|引受|引き受け)先")
# A payer named inside the noun phrase: NVIDIAのSynopsysへの, XによるYへの.
BY = re.compile(r"(?:の|による|が主導する|主導の)$")
# A name that is one of several (A、B、Cから; AとBが): no single party.
LISTED_BEFORE = re.compile(r"(?:、|と|や|及び|および|,)\s?$")
LISTED_AFTER = re.compile(r"\s?(?:、|と|や|及び|および|,)(?!し|して)")
LATIN = re.compile(r"[A-Za-z0-9&™®]")
# Within this many characters after the amount, "からの" still belongs to it:
# Amazonからの最大40億ドル, Microsoftからの130億ドル規模の投資.
SOURCE_REACH = 6


def who_pays(
    sentence: str, start: int, end: int, named: list, offset: int,
    others: list[tuple[int, int]] = (), owners: dict | None = None,
):  # fmt: skip
    """(payer, payee, parties) of the amount sentence[start:end], only where
    the structure of its clause says it (precision first):

    - the clause: from the previous amount (or the start) to the next amount or
      the next subject (a name followed by は, が or も) after this amount, so that
      in 「AはX、BはY」 each amount keeps its own subject;
    - the verb that moves the money: the nearest after the amount in its clause,
      else the nearest before it (巨額投資（100億ドル）);
    - pay (投資, 出資, 支払, 融資): the subject pays the name marked に, へ, への or
      に対し (AはBに…を投資, AのBへの…投資); acquire (買収, 取得): the subject
      pays the name marked を (AがBを買収, B株式を取得); raise (調達, 受け):
      the name marked から pays the subject (AがBから調達, Bからの…投資を受け),
      and so does the allottee of a share issue (Bを割当先とする);
    - payer and payee are organisations, neither one of several (A、B、Cから),
      their names whole (io Products, not Products), and the payee is not the
      payer, its unit or its parent (owners: gazetteer key -> parent key).

    parties: the payer and payee, else the names before the amount."""
    names = [
        Named(m.name, m.type, m.start - offset, m.end - offset, m.key)
        for m in named
        if m.type != "place"
    ]
    payer, payee, payees = roles(sentence, start, end, names, others, owners or {})
    payer, payee = payer and payer.name, payee and payee.name
    if payees:  # a total over several payees: the payer, and all of them
        listed_names = list(dict.fromkeys(n.name for n in payees))
        return payer, None, [name for name in [payer, *listed_names] if name]
    if (payer, payee) == (None, None):
        return None, None, names_before(named, start + offset)
    return payer, payee, [name for name in (payer, payee) if name]


def names_before(named: list, start: int) -> list[str]:
    """The names before an amount (passage offsets), places left out."""
    return list(
        dict.fromkeys(m.name for m in named if m.end <= start and m.type != "place")
    )


def roles(sentence, start, end, names, others, owners) -> tuple:
    """(payer, payee, payees) as Named or None, payees the names of a list
    that the money goes to as a whole (no single payee); see who_pays."""
    left = max((e for s, e in others if e <= start), default=0)
    right = min((s for s, e in others if s >= end), default=len(sentence))
    subjects = [n for n in names if SUBJECT.match(sentence, n.end)]
    later = [n.start for n in subjects if n.start >= end]
    right = min([right, *later])
    subject = next((n for n in reversed(subjects) if n.end <= start), None)
    headline = False
    if subject is None:  # a headline: 「Nvidia、Intelに50億ドル投資」
        subject = headline_subject(sentence, names, start)
        headline = subject is not None
    verb, at = governing_verb(sentence, start, end, left, right)
    following = min((s for s, e in others if s >= end), default=None)
    if verb is None and following == right and listed_amount(sentence, end, right):
        # Amounts listed under one verb: 「Amazonからの最大40億ドル、Googleからの
        # 20億ドルといった巨額投資」 — the verb after the last one.
        after = min((e for s, e in others if s == following))
        stop = min([s for s, e in others if s >= after] + [len(sentence)]
                   + [n.start for n in subjects if n.start >= after])  # fmt: skip
        verb, at = governing_verb(sentence, after, after, after, stop)
    if verb is None:
        return None, None, []
    floor = max(left, subject.end) if subject else left
    payees = []
    received = received_from(sentence, names, floor, start)
    if verb == "raise" or received is not False:
        # Money received: from the name marked から (Bから調達, Bからの…投資を
        # 受け), by the subject if a verb of receiving says so, or by the name
        # the money is for (OpenAIにとっては、Microsoftからの…).
        payer = received or source_of(sentence, names, floor, start, end, at)
        receiving = verb == "raise" or RAISE.search(sentence, end, right)
        payee = (
            subject
            if receiving and subject
            else benefiting(sentence, names, start, subject, received)
        )
    elif verb == "acquire":
        payer, payee = subject, marked(sentence, names, OBJECT, floor, start, end,
                                       right, subject)  # fmt: skip
    else:
        payee = marked(sentence, names, TARGET, floor, start, end, right, subject)
        payer = subject or noun_phrase_payer(sentence, names, payee)
        others_named = [n for n in names if n is not subject]
        if payee is not None and listed(sentence, payee, others_named):
            # 「CoreWeave、Nscale、Lambdaといった…にも総額330億ドル」
            payees, payee = members(sentence, payee, names), None
    if payer and payer is subject and not headline and listed(sentence, payer, names):
        payer = None  # 「MicrosoftとNVIDIAが」: one of several payers
    payer = payer if acting(sentence, payer) else None
    payee = payee if acting(sentence, payee) else None
    if payer and payee and related(payer, payee, owners):
        payee = None
    payees = [n for n in payees if acting(sentence, n) and n is not payer]
    return payer, payee, payees


def received_from(sentence, names, floor, start):
    """Where the amount is money received (a name marked からの just before it:
    Amazonからの最大40億ドル): that name, None if it is one of several, or
    False when the amount is not received."""
    for n in reversed(names):
        if n.start < floor or n.end > start:
            continue
        match = SOURCE.match(sentence, n.end)
        if match and start - match.end() <= SOURCE_REACH:
            return None if listed(sentence, n, names) else n
    return False


def governing_verb(sentence, start, end, left, right) -> tuple:
    """(pay, acquire or raise; where it stands): the verb nearest after the
    amount in its clause, else the nearest before it; (None, None) if none.
    A headline cut short still says it: 「…への20億ドル投（」."""
    after = [(m.start(), kind) for kind, verb in VERBS
             for m in verb.finditer(sentence, end, right)]  # fmt: skip
    if sentence.startswith("投", end):
        after.append((end, "pay"))
    if after:
        at, kind = min(after)
        return kind, at
    before = [(m.start(), kind) for kind, verb in VERBS
              for m in verb.finditer(sentence, left, start)]  # fmt: skip
    if before:
        at, kind = max(before)
        return kind, at
    return None, None


def listed_amount(sentence, end, following) -> bool:
    """Whether the next amount is listed after this one (、 and a few words)."""
    between = sentence[end:following]
    return "、" in between and len(between) <= 12 and "。" not in between


def headline_subject(sentence, names, start):
    """「Nvidia、Intelに50億ドル投資」: the name that opens the sentence, then a
    comma and the payee; not a list (「Google、Salesforce、SK Telecomといった」)."""
    ahead = [n for n in names if n.end <= start]
    if len(ahead) < 2 or sentence[: ahead[0].start].strip("「『【 "):
        return None
    first, second = ahead[0], ahead[1]
    if sentence[first.end : second.start] != "、":
        return None
    return first if TARGET.match(sentence, second.end) else None


def marked(sentence, names, particle, floor, start, end, right, subject):
    """The name nearest the amount followed by particle, in the amount's clause
    and after its subject: before the amount with nothing but its particle (and
    a comma after に対し) between, or after it before the clause ends."""
    found = []
    for n in names:
        if n is subject or n.end > right:
            continue
        match = particle.match(sentence, n.end)
        if not match or inner_name(names, n, match.end()):
            continue
        fronted = (
            subject is not None
            and n.end <= subject.start
            and (sentence[match.end() : subject.start].strip("、 ") == "")
        )  # 「…計画に、Nscaleが10億ドルを」: the target put before the subject
        if n.start < floor and not fronted:
            continue
        if fronted:
            found.append((start - n.end, n))
            continue
        if n.end <= start:
            gap = sentence[match.end() : start].lstrip("、 ")
            if "、" in gap or len(gap) > 8:
                continue
            found.append((start - n.end, n))
        elif n.start >= end and "、" not in sentence[end : n.start]:
            found.append((n.start - end, n))
    return min(found, key=lambda item: item[0])[1] if found else None


def inner_name(names, n, stop: int) -> bool:
    """Whether another name stands inside n's particle (AmazonのAWSに)."""
    return any(o is not n and n.end <= o.start < stop for o in names)


def source_of(sentence, names, floor, start, end, verb_at):
    """The name marked から (or as allottee) before the verb of receiving and
    nearest to the amount, if one alone and the money is all its own: not
    「Databricksからの投資や…で6億ユーロを調達」."""
    for n in reversed(names):
        if n.start < floor or n.end > verb_at:
            continue
        match = SOURCE.match(sentence, n.end) or ALLOTTEE.match(sentence, n.end)
        if not match:
            continue
        if n.end <= start:
            between = sentence[match.end() : start]
        else:
            between = sentence[end : n.start]
        if re.search("[、や]|と(?!する)", between) or listed(sentence, n, names):
            return None
        return n
    return None


def benefiting(sentence, names, start, subject=None, source=None):
    """Who money received goes to, with no subject to say it: the name marked
    にとって before the amount, else the one organisation named before the
    amount that is not a source of money (「Anthropicの評価額が…、Amazonからの
    最大40億ドル…といった巨額投資」)."""
    for n in reversed(names):
        if n.end <= start and sentence.startswith("にとって", n.end):
            return n
    if subject is not None or not source:
        return None
    others = {n.key for n in names if n.end <= start and n.type == "org"
              and not SOURCE.match(sentence, n.end)}  # fmt: skip
    if len(others) != 1:
        return None
    (key,) = others
    return next(n for n in names if n.key == key)


def noun_phrase_payer(sentence, names, payee):
    """NVIDIAのSynopsysへの: the name joined by の or による to the payee."""
    if payee is None:
        return None
    for n in names:
        if n.end <= payee.start and BY.search(sentence[n.end : payee.start]):
            if len(sentence[n.end : payee.start]) <= 5:
                return n
    return None


def listed(sentence, n, names) -> bool:
    """Whether n is one of a list of names (A、B、Cから; AとBが)."""
    head, tail = sentence[: n.start], sentence[n.end :]
    before = any(o.end <= n.start and LISTED_BEFORE.search(sentence[o.end : n.start])
                 and len(sentence[o.end : n.start]) <= 3 for o in names)  # fmt: skip
    after = any(o.start >= n.end and LISTED_AFTER.match(sentence[n.end : o.start])
                and len(sentence[n.end : o.start]) <= 3 for o in names)  # fmt: skip
    return bool(head) and before or bool(tail) and after


def members(sentence, last, names) -> list:
    """The names of the list that ends with last (A、B、Cと), in order."""
    chain = [last]
    for n in reversed([o for o in names if o.end <= last.start]):
        gap = sentence[n.end : chain[0].start]
        if len(gap) <= 3 and LISTED_BEFORE.search(gap):
            chain.insert(0, n)
        else:
            break
    return chain


def acting(sentence, n) -> bool:
    """An organisation, named whole, that is not one of several."""
    if n is None or n.type != "org":
        return False
    cut_before = n.start > 0 and (
        LATIN.match(sentence[n.start - 1])
        or (sentence[n.start - 1] == " " and n.start > 1
            and LATIN.match(sentence[n.start - 2]))
    )  # fmt: skip
    cut_after = n.end < len(sentence) and LATIN.match(sentence[n.end])
    return not (cut_before or cut_after)


def related(payer, payee, owners: dict) -> bool:
    """The same company: one owns the other, or one parent owns both."""
    a, b = payer.key, payee.key
    return (
        a == b
        or owners.get(a) == b
        or owners.get(b) == a
        or (owners.get(a) is not None and owners.get(a) == owners.get(b))
    )


def merge_repeats(figures: list[tuple[int, Figure]]) -> list[tuple[int, Figure, int]]:
    """(passage seq, figure, mentions): the same amount with the same parties,
    repeated inside one post, is one record counted as often as it appears; its
    kind is the first one that is not "other" (a headline rarely says). The
    same amount again with fewer parties and no other roles (a headline, a
    summary) is the same record: one figure, one row."""
    merged: dict[tuple, list] = {}
    for seq, figure in figures:
        key = (figure.min, figure.max, figure.currency, figure.per, figure.payer,
               figure.payee, tuple(sorted(figure.parties)))  # fmt: skip
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
        return (f.payer is not None) + (f.payee is not None), len(f.parties)

    return said(new) > said(old)
