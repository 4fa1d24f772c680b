"""Passages' text as the index keeps it: UTF-16 (little-endian) bytes. The
text is mostly Japanese, three bytes a character in UTF-8 and two in UTF-16:
0.71 of the size on the blog's posts, the largest single saving in the index
(passages were half of it), and decoding is one C call.

Deflate with a preset dictionary of the blog's text packed it to 0.38, but
reading it back cost 3 µs a passage, and a brief reads every sentence naming
its entity (100,000 passages for NVIDIA at 1 GB: 1.8 -> 2.9 s), kwic every
match before it sorts them (0.25 -> 0.79 s): not kept.

SQL reads `unpack_text(passages.text)` (register() gives a connection the
function); the readers of many passages take the bytes and call unpack().
"""

from __future__ import annotations

import sqlite3

ENCODING = "utf-16-le"


def pack(text: str) -> bytes:
    return text.encode(ENCODING)


def unpack(packed: bytes | None) -> str | None:
    return None if packed is None else packed.decode(ENCODING)


def register(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Give conn the SQL function unpack_text(packed) -> text."""
    conn.create_function("unpack_text", 1, unpack, deterministic=True)
    return conn
