"""The gazetteer: canonical names, their aliases and types, and the generic
words that are never names, from data/entities.toml extended by the user's file
(which files, and their digest, are in gazetteer_files.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from airesearch.errors import AiresearchError, unreadable_file
from airesearch.ingest.gazetteer_files import gazetteer_files
from airesearch.models import ENTITY_TYPES
from airesearch.tokens import name_key

LATIN_SPAN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9.&'+\-]*(?: [A-Za-z0-9][A-Za-z0-9.&'+\-]*)*"
)
KATAKANA_NAME = re.compile(r"[\u30a1-\u30fa\u30fc]+(?:[・=][\u30a1-\u30fa\u30fc]+)*")


class Gazetteer:
    """Canonical names, aliases and types, and the generic words to ignore."""

    def __init__(self, entries: list[dict], generic: list[str]) -> None:
        self.by_key: dict[str, tuple[str, str]] = {}  # alias key -> (name, type)
        self.spellings: dict[str, list[str]] = {}  # name -> every spelling
        self.keys: dict[str, str] = {}  # name -> its key
        # key -> its parent's key (AWS -> Amazon): a company does not pay its
        # own unit or parent (roles.who_pays).
        self.owners: dict[str, str] = {
            name_key(entry["name"]): name_key(entry["parent"])
            for entry in entries
            if entry.get("parent")
        }
        for entry in entries:
            name, kind = entry["name"], entry["type"]
            spellings = [name, *entry.get("aliases", [])]
            self.spellings[name] = spellings
            self.keys[name] = name_key(name)
            for spelling in spellings:
                self.by_key[name_key(spelling)] = (name, kind)
        self.generic = {name_key(word) for word in generic}
        # First word of a Latin phrase -> the most words a phrase starting with
        # it has, so that a word starting none is looked up once, not six times.
        self.phrase_words: dict[str, int] = {}
        for key in [*self.by_key, *self.generic]:
            if LATIN_SPAN.fullmatch(key):
                first, count = key.split()[0], len(key.split())
                self.phrase_words[first] = max(count, self.phrase_words.get(first, 1))
        # Aliases in kanji or mixed scripts (日本GPUアライアンス, 大阪) have no run
        # to look up, so one pattern finds them.
        mixed = sorted(
            (
                key
                for key in self.by_key
                if not LATIN_SPAN.fullmatch(key) and not KATAKANA_NAME.fullmatch(key)
            ),
            key=len,
            reverse=True,
        )
        # Plain literals on lower-cased text: a lookbehind or IGNORECASE would
        # stop the regex engine from skipping ahead by the literals' first
        # characters (4.5 times slower); word boundaries are checked in Python.
        self.mixed = re.compile("|".join(map(re.escape, mixed)) or "(?!)")

    def lookup(self, text: str) -> tuple[str, str] | None:
        """(canonical name, type) of a spelling in NFKC text, or None."""
        return self.by_key.get(" ".join(text.casefold().split()))


def load_gazetteer(user_file: str | None = None) -> Gazetteer:
    """The bundled gazetteer, extended by the user's file (entries, generic words)."""
    return read_gazetteer(tuple(gazetteer_files(user_file)))


@lru_cache(maxsize=4)
def read_gazetteer(files: tuple[str, ...]) -> Gazetteer:
    import tomllib

    entries: list[dict] = []
    generic: list[str] = []
    for path in files:
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as error:
            raise unreadable_file(path, error) from None
        except tomllib.TOMLDecodeError as error:
            raise AiresearchError(
                f"entities file {path} is not valid TOML: {error}"
            ) from None
        for number, entry in enumerate(data.get("entity", []), 1):
            if (
                not isinstance(entry.get("name"), str)
                or entry.get("type") not in ENTITY_TYPES
            ):
                raise AiresearchError(
                    f"entities file {path}: entity {number} needs a name and a type "
                    f"({', '.join(ENTITY_TYPES)})"
                )
            entries.append(entry)
        generic += data.get("generic", {}).get("words", [])
    return Gazetteer(entries, generic)
