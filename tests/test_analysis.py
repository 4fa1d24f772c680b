"""A worker's work on one file: the post, each passage's indexed text, mentions
and money figures, and the facts query expansion needs."""

from airesearch.ingest.passages import shape_of
from airesearch.ingest.pipeline import analyse_file, analyse_text

from .conftest import write_corpus


def test_one_file_gives_post_passages_figures_and_lexicon(tmp_path):
    corpus = write_corpus(
        tmp_path,
        {"post.md": "---\ntitle: 計算機\n---\n"
         "NVIDIA（NVDA）が開発したスーパーコンピューターを見込んだ。NVDAは上がった。"
         "NvidiaはNscaleに6億8,300万ドルを投資した。GPUとAIを導入した。\n"},
    )  # fmt: skip
    rel, analysed = analyse_file((str(corpus), "post.md"))
    post, texts, figures, (written, compounds), shapes, term_cues, events = analysed
    assert rel == "post.md" and post.title == "計算機"
    indexed, mentions = texts[1]
    assert "スーパーコンピュータ" in indexed.split()
    # NVDA beside NVIDIA is NVIDIA's ticker: its mention is NVIDIA's.
    assert {m[0] for m in mentions} == {"nvidia", "nscale"}
    assert [figure.min for _, figure, _ in figures] == [683_000_000]
    assert ("見込ん", "見込む") in written
    assert ("コンピュータ", "スーパーコンピュータ", 2) in compounds
    # The passages' shapes come from the worker, one per passage.
    assert shapes == [shape_of(passage.text) for passage in post.passages]
    # The generic words' cues: GPU listed with AI, and AI bought in (を導入).
    assert ("gpu", ">[用語]列", 1) in term_cues
    assert ("ai", "<[用語]列", 1) in term_cues and ("ai", ">を導入", 1) in term_cues


def test_a_file_that_cannot_be_indexed_gives_its_reason(tmp_path):
    corpus = write_corpus(tmp_path, {"empty.md": b""})
    assert analyse_file((str(corpus), "empty.md")) == ("empty.md", "empty file")


def test_mention_rows_carry_sentence_and_context_cues():
    text = "MetaはHyperion社を買収した。"
    _, mentions, _ = analyse_text(text)
    (row,) = [m for m in mentions if m[1] == "Hyperion"]
    key, name, kind, surface, start, end, s_start, s_end, before, after = row
    assert text[start:end] == surface == "Hyperion"
    assert (s_start, s_end) == (0, len(text))
    assert (before, after) == ("は", "社")
