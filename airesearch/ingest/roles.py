"""Who pays whom in a sentence: the payer and payee of a money figure from the
structure of the amount's own clause (the subject, the particles that mark the
payee, the object and the source, the verb that moves the money), never from
which names stand nearby; no pair where the structure is not certain
(README, "Who pays whom"). figures.py asks here for each figure.
"""

from __future__ import annotations

import re
from collections import namedtuple

# A name before an amount, with offsets in its sentence (who_pays).
Named = namedtuple("Named", "name type start end key")
# A name followed (maybe after 自身, 社, 氏) by は, が or も is a subject.
SUBJECT = re.compile("(?:自身|社|氏)?[はがも]")
# Who pays whom: from the particles around the names of the amount's clause
# (see who_pays). Verbs that move money, by who pays: the subject (PAY,
# ACQUIRE: the object is the payee) or the source (RAISE: the subject is paid).
PAY = re.compile("投資|出資|拠出|支払|融資|資金提供|投じ|コミット")
ACQUIRE = re.compile("買収|取得|買い取|手に入れ")
RAISE = re.compile("調達|受け|獲得")
VERBS = (("pay", PAY), ("acquire", ACQUIRE), ("raise", RAISE))
# After a name: the payee of a payment (Nscaleに, Mistral AIに対し、, Intelへの,
# OpenAIのエージェントに), but not による (by), にとって, において, に関して.
TARGET = re.compile(
    r"(?:社|氏)?[」』]?"
    # OpenAIのエージェントに; NVIDIA製半導体に; 「Stargate」と名付けた計画に;
    # Windsurfという…に
    r"(?:[の製][^、。「」『』（）()]{1,10}?|(?:と名付けた|という|と呼ばれる|といった|などの)"
    r"[^、。]{1,24}?)?"
    r"(?:に対して|に対し|に対する|への|へ|に)(?!よ|とって|おい|おけ|関|つい|伴|向|は)"
)
SOURCE = re.compile(r"(?:社|氏)?[」』]?から(?:の)?")
# Money provided is money paid: 「Fluidstackに最大32億ドルの財政支援を提供」,
# 「…に10億ドルを提供」; right after the amount (提供 of a service is not).
PROVIDE = re.compile(
    r"(?:の|という|規模の|相当の)?(?:財政支援|金融支援|資金支援|資金援助|支援|資金|融資"
    r"|出資|投資)?を提供"
)
# A payer named with the subject: 「XはYと共同で…投資」, 「Yとともに」.
JOINTLY = re.compile(
    r"(?:社|氏)?(?:と共同で|と共同して|とともに|と共に|と合同で|と一緒に)"
)
# A list of payers acting together: 「AとBが共同で」, 「A、B、Cがそれぞれ」.
TOGETHER = re.compile(
    r"(?:社|氏)?[はがも]、?(?:共同で|共同して|それぞれ|揃って|ともに)"
)
# The payee of a joint venture the payers set up: 「合弁会社「SB Tempus」を設立し、
# それぞれ150億円…を投資」.
JOINT_VENTURE = re.compile(r"合弁(?:会社|企業)?(?:「|『)?$")
FOUNDED = re.compile(r"(?:」|』)?を(?:設立|立ち上げ|設け)")
# Who owns what is bought is paid for it: 「OpenAIのソリューションを…年間30億ドルを
# 支払う」 (pay verbs of buying only), 「NVIDIA製半導体に…投資」 (TARGET).
BUY = re.compile("支払|購入|買い付け")
OWNED = re.compile(r"(?:社|氏)?[」』]?の[^、。「」『』()（）]{1,12}?を(?![割引]|通じ)")
OWNED_REACH = 30  # characters from what is bought to the amount
# A subject that names nobody: 「彼らは…融資を受けています」, 「同社が」; the
# money's receiver or payer is then not said in the sentence.
UNNAMED_SUBJECT = re.compile(
    r"(?:彼ら|彼女ら|彼女|彼|両社|同社|同氏|同グループ|同行|各社|それら|これら)[はがも]"
)
# The object of a purchase: Nscaleを, CoreWeave株式を, Synopsysの普通株を.
OBJECT = re.compile(r"(?:社|氏)?[」』]?(?:の)?(?:全?株式|普通株|株)?を(?![割引]|通じ)")
# The subscriber of a share issue pays: ソフトバンクを割当先とする.
ALLOTTEE = re.compile(r"(?:社|氏)?を(?:割当|割り当て|引受|引き受け)先")
# A payer named inside the noun phrase: NVIDIAのSynopsysへの, XによるYへの.
BY = re.compile(r"(?:の|による|が主導する|主導の)$")
# A name that is one of several (A、B、Cから; AとBが): no single party.
LISTED_BEFORE = re.compile(r"(?:^|社|氏|[」』）)])\s?(?:、|と|や|及び|および|,)\s?$")
LISTED_AFTER = re.compile(r"\s?(?:、|と|や|及び|および|,)(?!し|して)")
LATIN = re.compile(r"[A-Za-z0-9&™®]")
# Within this many characters after the amount, "からの" still belongs to it:
# Amazonからの最大40億ドル, Microsoftからの130億ドル規模の投資.
SOURCE_REACH = 6
# At most this many characters between two amounts of one list.
LISTED_GAP = 20


def who_pays(
    sentence: str, start: int, end: int, named: list, offset: int,
    others: list[tuple[int, int]] = (), owners: dict | None = None,
):  # fmt: skip
    """(payer, payee, parties, pairs) of the amount sentence[start:end], only
    where the structure of its clause says it (precision first):

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

    Several payers of one payee (「MicrosoftとNVIDIAが共同でAnthropicに」, 「Xは
    Yと共同で…」) give a pair each and no single payer. A subject that names
    nobody (彼らは, 同社が) after the named one leaves the clause's subject
    unsaid. pairs: [payer, payee] lists; parties: the payers and payee, else the
    names before the amount."""
    names = [
        Named(m.name, m.type, m.start - offset, m.end - offset, m.key)
        for m in named
        if m.type != "place"
    ]
    payers, payee, payees = roles(sentence, start, end, names, others, owners or {})
    payee = payee and payee.name
    payer_names = list(dict.fromkeys(n.name for n in payers))
    payer = payer_names[0] if len(payer_names) == 1 else None
    if payees:  # a total over several payees: the payer, and all of them
        listed_names = list(dict.fromkeys(n.name for n in payees))
        return payer, None, [name for name in [payer, *listed_names] if name], []
    if not payer_names and payee is None:
        return None, None, names_before(named, start + offset), []
    pairs = [[name, payee] for name in payer_names] if payee else []
    return payer, payee, [*payer_names, *([payee] if payee else [])], pairs


def names_before(named: list, start: int) -> list[str]:
    """The names before an amount (passage offsets), places left out."""
    return list(
        dict.fromkeys(m.name for m in named if m.end <= start and m.type != "place")
    )


def roles(sentence, start, end, names, others, owners) -> tuple:
    """(payers, payee, payees): the Named that pay (none, one, or several
    paying together), the one paid or None, and payees the names of a list
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
    unnamed = [m.end() for m in UNNAMED_SUBJECT.finditer(sentence, left, start)]
    if unnamed and (subject is None or max(unnamed) > subject.end):
        subject = None  # 「Xが筆頭株主であり、彼らは…から…融資を受け」
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
        return [], None, []
    floor = max(left, subject.end) if subject else left
    if unnamed:
        floor = max(floor, max(unnamed))
    payees = []
    received = received_from(sentence, names, floor, start)
    if verb == "raise" or received is not False:
        # Money received: from the name marked から (Bから調達, Bからの…投資を
        # 受け), by the subject if a verb of receiving says so, or by the name
        # the money is for (OpenAIにとっては、Microsoftからの…).
        payer = received or source_of(sentence, names, floor, start, end, at)
        receiving = verb == "raise" or RAISE.search(sentence, end, right)
        if receiving and subject:
            payee = subject
        elif unnamed:  # received by whoever 彼ら is: not said here
            payee = None
        else:
            payee = benefiting(sentence, names, start, subject, received)
    elif verb == "acquire":
        payer, payee = subject, marked(sentence, names, OBJECT, floor, start, end,
                                       right, subject)  # fmt: skip
    else:
        payee = marked(sentence, names, TARGET, floor, start, end, right, subject)
        payee = payee or bought_with(sentence, names, floor, start, end, right, subject)
        if payee is None and BUY.match(sentence, at):
            payee = owner_of_purchase(sentence, names, floor, start)
        payee = payee or joint_venture(sentence, names, floor, start)
        payer = subject or noun_phrase_payer(sentence, names, payee)
        others_named = [n for n in names if n is not subject]
        if payee is not None and listed(sentence, payee, others_named):
            # 「CoreWeave、Nscale、Lambdaといった…にも総額330億ドル」
            payees, payee = members(sentence, payee, names), None
    payers = [payer] if payer else []
    if payer and payer is subject and not headline:
        payers = joint_payers(sentence, subject, names, start)
    payers = [n for n in payers if acting(sentence, n)]
    payee = payee if acting(sentence, payee) or founded(sentence, payee) else None
    if payee and any(related(n, payee, owners) for n in payers):
        payee = None
    payees = [n for n in payees if acting(sentence, n) and n not in payers]
    if payee is None and len(payers) > 1:
        payers = []  # several payers of nobody named: nothing to pair
    return payers, payee, payees


def joint_payers(sentence, subject, names, start) -> list:
    """The subject, and who pays with it: the names listed with it when they
    act together (「MicrosoftとNVIDIAが共同で」, 「AとBが」, 「A、B、Cがそれぞれ」),
    or the one it acts jointly with before the amount (「ソフトバンクはOpenAIと
    共同で」); [] for a list that does not say so (「A、B、Cなどが」)."""
    if listed(sentence, subject, names):
        chain = members(sentence, subject, names)
        after = sentence[subject.end : start]
        pair = len(chain) == 2 and sentence[chain[0].end : chain[1].start] == "と"
        if len(chain) > 1 and (pair or TOGETHER.match(after)):
            return chain
        return []
    partners = [
        n for n in names
        if subject.end <= n.start and n.end <= start
        and JOINTLY.match(sentence, n.end) and not listed(sentence, n, names)
    ]  # fmt: skip
    return [subject, *partners[:1]]


def bought_with(sentence, names, floor, start, end, right, subject):
    """The object of a purchase that the money is spent on, after the amount:
    「約160億ドルという巨額を投じてNuance Communicationsを買収」."""
    verb = ACQUIRE.search(sentence, end, right)
    if verb is None:
        return None
    return marked(sentence, names, OBJECT, floor, start, end, verb.start(), subject)


def owner_of_purchase(sentence, names, floor, start):
    """Who owns what is bought with the amount: 「OpenAIのソリューションを自社製品
    に展開するために年間30億ドルを支払う」, the name nearest the amount."""
    for n in reversed(names):
        if n.start < floor or n.end > start:
            continue
        match = OWNED.match(sentence, n.end)
        if not match or inner_name(names, n, match.end()):
            continue
        gap = sentence[match.end() : start]
        if "、" in gap or "。" in gap or len(gap) > OWNED_REACH:
            return None
        if any(match.end() <= o.start and o.end <= start for o in names):
            return None  # another name between: not said whose
        return n
    return None


def joint_venture(sentence, names, floor, start):
    """The joint venture founded to take the money: 「合弁会社「SB Tempus」を設立
    し、それぞれ150億円…を投資」."""
    return next(
        (n for n in reversed(names)
         if floor <= n.start and n.end <= start and founded(sentence, n)),
        None,
    )  # fmt: skip


def founded(sentence, n) -> bool:
    """A joint venture named as founded (any type: UniDic or the quotes may call
    it a product)."""
    return (
        n is not None
        and bool(JOINT_VENTURE.search(sentence[max(0, n.start - 6) : n.start]))
        and bool(FOUNDED.match(sentence, n.end))
    )


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
    if PROVIDE.match(sentence, end):
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
    """Whether the next amount is listed after this one (、 and a few words:
    「Pimcoから約180億ドル、BlackRockからも30億ドル」)."""
    between = sentence[end:following]
    return "、" in between and len(between) <= LISTED_GAP and "。" not in between


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
