"""Write airesearch/data/passage_dictionary.bin: the preset dictionary with
which every passage's text is compressed in the index (index/packed_text.py).

A passage is short (a sentence or a paragraph), too short for deflate to find
much to repeat within it; a dictionary of the blog's own text lets it refer to
words and phrases the blog uses everywhere. This draws passages of a folder
of posts (corpus-sample) at random, joins them, and keeps the last 32 KB
(deflate's window: what comes last is nearest, so the commonest go last).
The dictionary is part of the index format: a new one changes
schema.SCHEMA_VERSION, since an index written with another cannot be read.

Usage: python benchmarks/passage_dictionary.py ../shared/corpus-sample [--seed 3]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from airesearch.index.packed_text import DICTIONARY_FILE, WINDOW
from airesearch.ingest.corpus import find_posts, read_post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    texts = [
        passage.text
        for found in find_posts(args.folder)
        for passage in read_post(args.folder, found.path).passages
    ]
    # The blog's template lines are in every post: they go last (nearest).
    counts = Counter(texts)
    common = [text for text, n in counts.most_common() if n > 1][:200]
    random.seed(args.seed)
    drawn = random.sample(sorted(set(texts)), min(3000, len(set(texts))))
    joined = "".join(drawn + common[::-1]).encode("utf-8")
    Path(DICTIONARY_FILE).write_bytes(joined[-WINDOW:])
    kept = len(joined[-WINDOW:])
    print(f"{DICTIONARY_FILE}: {kept:,} bytes from {len(texts):,} passages")


if __name__ == "__main__":
    main()
