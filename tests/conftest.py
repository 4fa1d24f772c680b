"""Shared fixtures: a small corpus of messy posts, written from the strings below
into a temporary folder and indexed once per test session. Every test reads the
same text, so a failing assertion can be checked against it here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from airesearch.index.build import open_index, update_index

BUNDLED = Path(__file__).resolve().parent.parent / "corpus"

NSCALE_POST = """\
---
layout: post
title: "Nscaleの欧州投資"
date: 2025-09-19 02:05:46 +0000
categories: ["業界別AI活用"]
tags: ["NVIDIA", "Microsoft"]
author: "編集部"
---
# **Nscale**と欧州AIインフラ

NvidiaはNscaleに6億8,300万ドルを投資した。ノルウェーのナルヴィクに**データセンター**を建設する。

そしてハイレゾ。日本でもGPUクラウドの競争が始まった。

- 京都の大学が参加する
- ＡＷＳも関心を示す

| 企業 | 金額 |
|------|------|
| Microsoft | 62億ドル |

詳しくは[発表資料](https://example.com/nscale)を参照。---END---この段落はENDの直後に続く。

NvidiaはNscaleに6億8,300万ドルを投資した。ノルウェーのナルヴィクに**データセンター**を建設する。

量子コンピュータの研究も進む。投資家はこの動きに注目している。

---END---
"""

TRUNCATED_POST = """\
---
title: "ハイレゾとGPUSOROBAN"
date: 2025-10-21
categories: [国内]
tags: [GPU, ハイレゾ]
---
ハイレゾは石狩で新しいデータセンターを運営しており、GPUSOROBANというサービスを提供しています。

ハイレゾは石狩で新しいデータセンターを運営しており、GPUSOROBANというサービス

ハイレゾは石狩で新しいデータセンターを運営しており、GPUSOROBANというサービスを提供しています。東京都の企業も利用している。

インドネシアでも計算資源の需要が伸びている。サーバの増設が続く。
"""

BROKEN_FRONT_MATTER = """\
---
title: "閉じていない引用
date: [2025-11-01
---
# インドの計算資源

インドではコンピューターの需要が急増しており、サーバーの調達が課題です。
"""

NO_FRONT_MATTER = """\
エヌビディアの決算

エヌビディアは好調な決算を発表した。データセンター向けの売上が伸びた。
"""

SHIFT_JIS_TEXT = """\
---
title: "シフトJISの記事"
date: 2025-08-01
---
シフトJISで保存された記事でも、さくらインターネットの名前は検索できる。
"""

MESSY_FILES: dict[str, str | bytes] = {
    "2025/09/nscale.md": NSCALE_POST,
    "2025/10/ハイレゾ.markdown": TRUNCATED_POST,
    "broken.md": BROKEN_FRONT_MATTER,
    "notes/plain.txt": NO_FRONT_MATTER,
    "sjis.md": SHIFT_JIS_TEXT.encode("cp932"),
    "bom.md": b"\xef\xbb\xbf"
    + NO_FRONT_MATTER.replace("エヌビディア", "オラクル").encode(),
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "empty.md": b"",
    "ignored.png": b"not a post",
}


def write_corpus(folder: Path, files: dict[str, str | bytes] = MESSY_FILES) -> Path:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def indexed(tmp_path_factory, name: str, files: dict[str, str | bytes]):
    """An open connection to a fresh index of files (rel path -> content)."""
    base = tmp_path_factory.mktemp(name)
    corpus = write_corpus(base / "corpus", files)
    update_index(corpus, base / "index.sqlite", workers=1)
    return open_index(base / "index.sqlite")


def index_fixture(name: str, files: dict[str, str | bytes]):
    """A module fixture: an open connection to an index of files, built once."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory):
        conn = indexed(tmp_path_factory, name, files)
        yield conn
        conn.close()

    return fixture


@pytest.fixture(scope="session")
def messy_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus folder, index file) of the messy posts, indexed once."""
    base = tmp_path_factory.mktemp("messy")
    corpus = write_corpus(base / "corpus")
    index = base / "index.sqlite"
    update_index(corpus, index, workers=1)
    return corpus, index


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus folder, index file) of the bundled posts, copied and indexed once."""
    base = tmp_path_factory.mktemp("bundled")
    corpus = base / "corpus"
    shutil.copytree(BUNDLED, corpus)
    index = base / "index.sqlite"
    update_index(corpus, index)
    return corpus, index


@pytest.fixture(scope="session")
def bundled(bundled_index):
    """An open connection to the index of the bundled posts."""
    conn = open_index(bundled_index[1])
    yield conn
    conn.close()


@pytest.fixture
def messy_copy(tmp_path) -> Path:
    """A private copy of the messy corpus, for tests that change files."""
    return write_corpus(tmp_path / "corpus")
