"""The search engine's files: two tantivy indexes of the analysed text, one of
the passages (what matches, kwic, snippets) and one of the posts (what a post
is about, for ranking), in a folder that belongs to one generation of the
SQLite index.

Generations: the SQLite file names its engine folder (meta `engine`). A build
writes a new folder; an update writes into a copy of the current one made of
hard links (tantivy never rewrites a file it wrote: new segments, deletes and
meta.json are new files, meta.json replaced by a rename). The new folder's
name is written in the same SQLite transaction as the rest, so a kill at any
point leaves the previous file naming the previous, untouched folder.
Folders no index names are removed by the next run (stale_folders).

Our analysed terms go in as they are (tantivy's `whitespace` tokenizer). In a
post's document the passages are joined with SEPARATOR, a term no text
holds, so that a phrase never matches across two passages.
"""

from __future__ import annotations

import os

from airesearch.index.schema import HEAD_KINDS

ENGINE_KEY = "engine"  # meta key: the engine folder's name, beside the index
PASSAGES, POSTS = "passages", "posts"
SEPARATOR = "\ufffe"  # a Unicode noncharacter: no text holds it
# The writer's memory (split between its threads; tantivy wants >= 15 MB each)
# and threads: enough to keep up with the analysis, bounded for a small box.
WRITER_HEAP = 96_000_000
WRITER_THREADS = 2
LOCK_FILES = (".tantivy-writer.lock", ".tantivy-meta.lock")


def passage_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("passage", indexed=True, fast=True)
    builder.add_unsigned_field("post", indexed=True, fast=True)
    builder.add_text_field("head", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    return builder.build()


def post_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("post", indexed=True, fast=True)
    for field_name in ("title", "heading", "body"):
        builder.add_text_field(field_name, tokenizer_name="whitespace")
    return builder.build()


SCHEMAS = {PASSAGES: passage_schema, POSTS: post_schema}


def folder_for(index_path: str, name: str) -> str:
    return os.path.join(os.path.dirname(index_path), name)


def new_folder_name(index_path: str) -> str:
    """A fresh engine folder name for index_path: the builder's pid in it
    (stale_folders leaves a live builder's folder alone)."""
    import time

    return f"{os.path.basename(index_path)}.engine-{os.getpid()}-{time.time_ns()}"


def current_folder(conn) -> str | None:
    """The name of the engine folder this index's generation uses."""
    from airesearch.index import meta

    return meta.get(conn, ENGINE_KEY)


def start_generation(index_path: str, current: str | None, folder: str):
    """A writer on a new engine folder: a copy of the current one (an update)
    or empty (a new index). ValueError if the current one is missing."""
    if current:
        source = folder_for(index_path, current)
        if not os.path.isdir(source):
            raise ValueError(f"engine folder missing: {source}")
        copy_folder(source, folder)
        return EngineWriter(folder, create=False)
    return EngineWriter(folder, create=True)


def open_indexes(folder: str, create: bool = False) -> dict:
    """{PASSAGES: Index, POSTS: Index} of an engine folder (created empty
    with create). ValueError if a folder is missing or damaged."""
    import tantivy

    indexes = {}
    for part, schema in SCHEMAS.items():
        path = os.path.join(folder, part)
        if create:
            os.makedirs(path, exist_ok=True)
            indexes[part] = tantivy.Index(schema(), path=path)
        else:
            if not os.path.isfile(os.path.join(path, "meta.json")):
                raise ValueError(f"engine index missing: {path}")
            indexes[part] = tantivy.Index.open(path)
    return indexes


def copy_folder(source: str, target: str) -> None:
    """A copy of an engine folder made of hard links (a real copy where links
    are not possible), without tantivy's lock files."""
    import shutil

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(
        source,
        target,
        copy_function=link,
        ignore=lambda _folder, names: [n for n in names if n in LOCK_FILES],
    )


class EngineWriter:
    """Adds and removes posts in both indexes of one engine folder; commit()
    publishes them (the caller then names the folder in SQLite)."""

    def __init__(self, folder: str, create: bool) -> None:
        import tantivy

        self.tantivy = tantivy
        self.folder = folder
        self.indexes = open_indexes(folder, create)
        threads = min(WRITER_THREADS, os.cpu_count() or 1)
        self.writers = {
            part: index.writer(WRITER_HEAP // 2, threads)
            for part, index in self.indexes.items()
        }

    def add_passages(self, post_id: int, passages: list) -> None:
        """passages: (passage id, kind, analysed text), a document each."""
        Document = self.tantivy.Document
        add = self.writers[PASSAGES].add_document
        for passage_id, kind, analysed in passages:
            doc = Document()
            doc.add_unsigned("passage", passage_id)
            doc.add_unsigned("post", post_id)
            doc.add_text("head" if kind in HEAD_KINDS else "body", analysed)
            add(doc)

    def add_post_document(
        self, post_id: int, passages: list, left_out: set[int]
    ) -> None:
        """The post's document: its passages ((id, kind, analysed text)) but
        those left out (the blog's template), by field."""
        parts: dict[str, list[str]] = {"title": [], "heading": [], "body": []}
        for passage_id, kind, analysed in passages:
            if passage_id not in left_out:
                parts[kind if kind in HEAD_KINDS else "body"].append(analysed)
        doc = self.tantivy.Document()
        doc.add_unsigned("post", post_id)
        for field_name, texts in parts.items():
            if texts:
                doc.add_text(field_name, f" {SEPARATOR} ".join(texts))
        self.writers[POSTS].add_document(doc)

    def rewrite_post(self, post_id: int, passages: list, left_out: set[int]) -> None:
        """The post's document again, with another set of passages left out."""
        self.delete_documents(POSTS, [post_id])
        self.add_post_document(post_id, passages, left_out)

    def delete_posts(self, post_ids: list[int]) -> None:
        for part in (PASSAGES, POSTS):
            self.delete_documents(part, post_ids)

    def delete_documents(self, part: str, post_ids: list[int]) -> None:
        # By query: a Python int given to delete_documents_by_term is an i64
        # term, which never matches our u64 field.
        if post_ids:
            query = self.tantivy.Query.term_set_query(
                self.indexes[part].schema, "post", list(post_ids)
            )
            self.writers[part].delete_documents_by_query(query)

    def commit(self) -> None:
        for writer in self.writers.values():
            writer.commit()
        for writer in self.writers.values():
            writer.wait_merging_threads()

    def rollback(self) -> None:
        for writer in self.writers.values():
            try:
                writer.rollback()
            except Exception:  # noqa: BLE001 - the folder is thrown away anyway
                pass


def stale_folders(index_path: str, current: str | None) -> list[str]:
    """Engine folders of index_path that no index names and no live builder
    writes (their pid ended): what killed runs and superseded generations left."""
    folder, name = os.path.split(index_path)
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        return []
    stale = []
    for entry in entries:
        if not entry.startswith(name + ".engine-") or entry == current:
            continue
        pid = entry.removeprefix(name + ".engine-").split("-")[0]
        if pid == str(os.getpid()) or not pid_alive(pid):
            stale.append(os.path.join(folder, entry))
    return stale


def remove_folder(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def folder_bytes(folder: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for file_name in files:
            try:
                total += os.stat(os.path.join(root, file_name)).st_size
            except OSError:
                pass
    return total


def pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
