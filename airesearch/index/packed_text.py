"""Passages' text as the index keeps it: deflate with a preset dictionary of
the blog's own text (data/passage_dictionary.bin, written by
benchmarks/passage_dictionary.py), about 0.4 of its UTF-8 size, where plain
deflate of a sentence keeps two thirds. The text is the largest thing in
the index and every snippet, sentence and kwic line is cut from it.

Readers get it back through the SQLite function unpack_text (registered by
register() on every connection the index opens), so SQL reads
`unpack_text(passages.text)` where it read `passages.text`.
"""

from __future__ import annotations

import os
import sqlite3
import zlib

DICTIONARY_FILE = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "passage_dictionary.bin"
)
WINDOW = 32768  # deflate's: a dictionary longer than this is not used
_dictionary: bytes | None = None
_primed = None  # a compressor that has read the dictionary


def dictionary() -> bytes:
    global _dictionary
    if _dictionary is None:
        with open(DICTIONARY_FILE, "rb") as handle:
            _dictionary = handle.read()
    return _dictionary


def pack(text: str) -> bytes:
    """Raw deflate (no header: 6 bytes a passage) with the dictionary. A copy
    of one primed compressor: reading the dictionary anew for each passage
    took three times as long (level 6 and memLevel 8: level 9 packed 1 %
    smaller for twice the time)."""
    global _primed
    if _primed is None:
        _primed = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zdict=dictionary())
    packer = _primed.copy()
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack(packed: bytes | None) -> str | None:
    if packed is None:
        return None
    unpacker = zlib.decompressobj(-15, zdict=dictionary())
    return (unpacker.decompress(packed) + unpacker.flush()).decode("utf-8")


def register(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Give conn the SQL function unpack_text(packed) -> text."""
    conn.create_function("unpack_text", 1, unpack, deterministic=True)
    return conn
