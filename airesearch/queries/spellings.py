"""Every way the index can spell a query word (search.py ORs them as
phrases): the cuts of its characters into pieces the index holds, at the
places MeCab may cut them (製品 = 製 + 品 as UniDic cuts 既存製品); katakana
words found inside longer katakana words (コンピューター in スーパーコンピューター);
and terms that hold a kanji or katakana word where the script changes inside one
token (単 in 単に). The pieces come from the index's vocabulary and the
written_forms and compound_parts tables the indexer fills (tokens.py).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from airesearch import tokens
from airesearch.index.sql import rows_for

MAX_PHRASES = 32  # ways to spell one query word; fewer pieces first
MAX_PIECE = 24  # characters: longer pieces are not looked up
MAX_COMPOUNDS = 16  # longer katakana words tried for each end of a phrase
WORD_CHAR = re.compile(r"[a-z0-9]")  # MeCab keeps runs of these whole
GLUE = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[・=\s]+(?=[\u30a1-\u30fa])")


def other_phrases(
    conn: sqlite3.Connection, text: str, own: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """The phrases besides own (text's own analysis) that spell text in the
    index, fewest terms first."""
    normal = tokens.normalize(text).lower()
    found: set[tuple[str, ...]] = set()
    for form in {normal, GLUE.sub("", normal)}:
        found |= cuts_into_terms(conn, form)
    found |= inside_compounds(conn, found | {own} if own else found)
    found |= across_scripts(conn, normal)
    found.discard(own)
    return sorted(found, key=lambda phrase: (len(phrase), phrase))


def skippable(char: str) -> bool:
    """Punctuation, symbols and spaces: never part of a term."""
    return unicodedata.category(char)[0] in "PSZ"


def cuts_into_terms(conn: sqlite3.Connection, word: str) -> set[tuple[str, ...]]:
    """Every way to cut word into pieces that the index holds as terms (a
    piece's term is its katakana stem) or as written forms, skipping
    punctuation; never inside a run of Latin letters or digits."""
    length = len(word)
    cuttable = [
        0 < i < length
        and not (WORD_CHAR.match(word[i - 1]) and WORD_CHAR.match(word[i]))
        for i in range(length + 1)
    ]
    cuttable[0] = cuttable[length] = True
    pieces: dict[tuple[int, int], str] = {}
    for start in range(length):
        if not cuttable[start] or skippable(word[start]):
            continue
        for end in range(start + 1, min(length, start + MAX_PIECE) + 1):
            if skippable(word[end - 1]):
                break
            if cuttable[end]:
                pieces[start, end] = word[start:end]
    if not pieces:
        return set()
    piece_terms = lookup_pieces(conn, set(pieces.values()))
    # Phrases from each position to the end, fewest pieces first, capped.
    ways: dict[int, list[tuple[str, ...]]] = {length: [()]}
    for start in range(length - 1, -1, -1):
        if skippable(word[start]):
            ways[start] = ways.get(start + 1, [])
            continue
        found: list[tuple[str, ...]] = []
        for end in range(start + 1, min(length, start + MAX_PIECE) + 1):
            piece = pieces.get((start, end))
            if piece is None or not ways.get(end):
                continue
            for term in piece_terms.get(piece, ()):
                found += [(term, *rest) for rest in ways[end]]
        found.sort(key=len)
        ways[start] = found[:MAX_PHRASES]
    return {phrase for phrase in ways.get(0, []) if phrase}


def lookup_pieces(conn: sqlite3.Connection, pieces: set[str]) -> dict[str, list[str]]:
    """piece -> the terms it stands for in the index."""
    stems = {piece: tokens.stem(piece) for piece in pieces}
    known = set(
        select_in(
            conn, "SELECT term FROM vocabulary WHERE term IN ({})", stems.values()
        )
    )
    found: dict[str, list[str]] = {
        piece: [stem] for piece, stem in stems.items() if stem in known
    }
    for surface, term in select_in(
        conn, "SELECT surface, term FROM written_forms WHERE surface IN ({})", pieces
    ):
        found.setdefault(surface, []).append(term)
    return found


def select_in(conn: sqlite3.Connection, sql: str, values) -> list:
    """rows_for's rows, a one-column row as its value."""
    return [row[0] if len(row) == 1 else row for row in rows_for(conn, sql, values)]


def inside_compounds(
    conn: sqlite3.Connection, phrases: set[tuple[str, ...]]
) -> set[tuple[str, ...]]:
    """Phrases whose katakana ends are found inside longer katakana words: a
    one-term phrase anywhere in one, a phrase's first term at the end of one
    and its last term at the start of one (スーパーコンピューター 開発 for
    コンピューター開発); and whose ends stand where a token changes script."""
    found: set[tuple[str, ...]] = set()
    for phrase in phrases:
        first, last = phrase[0], phrase[-1]
        if len(phrase) == 1:
            for (word,) in compound_rows(conn, first, (0, 1, 2)):
                found.add((word,))
            continue
        heads = [first] + [w for (w,) in compound_rows(conn, first, (2,))]
        tails = [last] + [w for (w,) in compound_rows(conn, last, (1,))]
        # the first term at the end of a token after a change of script (持ち株
        # 比率 for 株比率), the last at the start of one before it
        heads += sorted(script_heads(conn, first))[:MAX_COMPOUNDS]
        tails += sorted(script_tails(conn, last))[:MAX_COMPOUNDS]
        for head in heads:
            for tail in tails:
                found.add((head, *phrase[1:-1], tail))
    return found


KATAKANA_WORD = re.compile("[\u30a1-\u30fa\u30fc-\u30fe]+")
KANJI_WORD = re.compile("[\u3005\u3006\u4e00-\u9fff]+")


def across_scripts(conn: sqlite3.Connection, word: str) -> set[tuple[str, ...]]:
    """For a kanji or katakana word: the terms that hold it where the script
    changes inside one token, at either end (単 in 単に, バラ in バラ色, 行 in 行っ
    -> 行う; 金 in お金, アフリカ in 南アフリカ), or a ・ stands (オフロード in
    コグニティブ・オフロード), because a change of script is a word boundary MeCab
    does not always cut. Latin words are left alone: MeCab always cuts them
    from Japanese; 京都 stays out of 東京都 (no change of script there)."""
    if script_of(word) is None:
        return set()
    found = {(term,) for term in script_heads(conn, word) | script_tails(conn, word)}
    upper = word + "\U0010ffff"
    for surface, term in conn.execute(
        "SELECT surface, term FROM written_forms WHERE surface >= ? AND surface < ?"
        f" LIMIT {MAX_COMPOUNDS * 4}",
        (word, upper),
    ):
        if surface == word or other_script(word, surface[len(word)]):
            found.add((term,))
    return set(sorted(found)[:MAX_COMPOUNDS])


def script_of(word: str):
    """The pattern of word's script (katakana or kanji), None for any other."""
    return next((r for r in (KATAKANA_WORD, KANJI_WORD) if r.fullmatch(word)), None)


def other_script(word: str, char: str) -> bool:
    """Whether char, next to word inside a token, is a word boundary: another
    script, or a ・ between katakana words."""
    run = script_of(word)
    return run is not None and not run.fullmatch(char)


def script_tails(conn: sqlite3.Connection, word: str) -> set[str]:
    """Terms that start with word, then another script (単に, バラ色)."""
    if script_of(word) is None:
        return set()
    return {
        term
        for (term,) in conn.execute(
            "SELECT term FROM vocabulary WHERE term > ? AND term < ?"
            f" LIMIT {MAX_COMPOUNDS * 4}",
            (word, word + "\U0010ffff"),
        )
        if other_script(word, term[len(word)])
    }


def script_heads(conn: sqlite3.Connection, word: str) -> set[str]:
    """Terms that end with word after another script or a ・ (お金, 南アフリカ,
    持ち株, コグニティブ・オフロード)."""
    if script_of(word) is None:
        return set()
    backwards = word[::-1]
    ending = sorted(
        term
        for (term,) in conn.execute(
            "SELECT term FROM vocabulary WHERE backwards >= ? AND backwards < ?",
            (backwards, backwards + "\U0010ffff"),
        )
    )[: MAX_COMPOUNDS * 4]  # the first in the vocabulary's order, as ever
    return {
        term
        for term in ending
        if len(term) > len(word) and other_script(word, term[-len(word) - 1])
    }


def compound_rows(conn, part: str, where: tuple[int, ...]) -> list:
    if len(part) < tokens.MIN_PART or not tokens.KATAKANA.fullmatch(part):
        return []
    places = ", ".join(str(at) for at in where)
    return conn.execute(
        f"SELECT term FROM compound_parts WHERE part = ? AND at IN ({places})"
        f" ORDER BY term LIMIT {MAX_COMPOUNDS}",
        (part,),
    ).fetchall()
