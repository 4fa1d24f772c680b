"""A build whose analysis runs on a Dask cluster (real scheduler and worker
processes on 127.0.0.1) writes the same index as a local build, survives a
worker's death, and refuses clusters it cannot use before writing anything."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3

import pytest

# CI installs '[test]', which brings distributed: there a missing one is a
# failure, not a quiet skip; elsewhere (a bare install) the tests are skipped.
if os.environ.get("CI"):
    import distributed
else:
    distributed = pytest.importorskip("distributed")

from airesearch.errors import AiresearchError  # noqa: E402
from airesearch.index import postings  # noqa: E402
from airesearch.index.build import update_index  # noqa: E402
from airesearch.ingest import cluster as cluster_module  # noqa: E402

from .conftest import BUNDLED, write_corpus  # noqa: E402

# What a build writes, table by table (ids included: files are stored in the
# same order either way).
TABLES = {
    "posts": "SELECT id, path, title, date, tags, categories, dropped, warnings"
    " FROM posts",
    "passages": "SELECT id, post_id, seq, kind, text FROM passages",
    "vocabulary": "SELECT term, posts FROM vocabulary",
    "post_terms": "SELECT post_id, terms FROM post_terms",
    "mentions": "SELECT * FROM mentions",
    "deals": "SELECT * FROM deals",
    "events": "SELECT * FROM events",
    "entity_totals": "SELECT * FROM entity_totals",
    "entity_posts": "SELECT * FROM entity_posts",
    "entity_cues": "SELECT * FROM entity_cues",
    "boilerplate": "SELECT * FROM boilerplate",
    "left_out": "SELECT * FROM left_out",
    "files": "SELECT path, size, post_id, skipped FROM files",
}


def contents(index) -> dict:
    conn = sqlite3.connect(index)
    try:
        found = {
            name: sorted(conn.execute(sql), key=repr) for name, sql in TABLES.items()
        }
        found["engine"] = postings.engine_documents(conn)
        return found
    finally:
        conn.close()


def local_cluster(workers: int):
    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True,
        host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50,
    )  # fmt: skip


@pytest.fixture(scope="module")
def scheduler():
    with local_cluster(2) as running:
        yield running.scheduler_address


def fixture_posts(count: int) -> dict[str, str]:
    return {
        f"posts/{n:03d}.md": (
            f"---\ntitle: 記事{n}\ndate: 2026-01-{n % 28 + 1:02d}\n---\n"
            f"NVIDIAは{n}億ドルをNscaleに投資した。データセンターの電力が課題だ。\n\n"
            "※ 本ページのリンクにはアフィリエイトリンクが含まれます。\n"
        )
        for n in range(count)
    }


def test_a_build_on_the_cluster_equals_a_local_build(scheduler, tmp_path):
    told = []
    update_index(BUNDLED, tmp_path / "local.sqlite", workers=1)
    update_index(
        BUNDLED, tmp_path / "cluster.sqlite", scheduler=scheduler,
        on_cluster=lambda address, workers: told.append((address, workers)),
    )  # fmt: skip
    assert told == [(scheduler, 2)]
    assert contents(tmp_path / "cluster.sqlite") == contents(tmp_path / "local.sqlite")


def test_an_update_on_the_cluster_equals_the_same_update_done_locally(
    scheduler, tmp_path
):
    sides = {}
    for side, where in (("local", None), ("cluster", scheduler)):
        corpus = write_corpus(tmp_path / side, fixture_posts(40))
        index = tmp_path / f"{side}.sqlite"
        update_index(corpus, index, workers=1, scheduler=where)
        (corpus / "posts/000.md").unlink()
        (corpus / "posts/001.md").write_text(
            "---\ntitle: 改\n---\nTSMCが工場を建てる。\n"
        )
        (corpus / "posts/new.md").write_text("---\ntitle: 新\n---\nAMDの新チップ。\n")
        report = update_index(corpus, index, workers=1, scheduler=where)
        assert (report.added, report.updated, report.deleted) == (1, 1, 1)
        sides[side] = contents(index)
    assert sides["cluster"] == sides["local"]


def test_a_worker_killed_in_the_middle_does_not_stop_the_build(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", fixture_posts(200))
    update_index(corpus, tmp_path / "local.sqlite", workers=1)
    with local_cluster(2) as running, distributed.Client(running) as client:
        pids = sorted(client.run(os.getpid).values())
        killed = []

        def kill_one(count, total, done_bytes, total_bytes) -> None:
            if count == 20 and not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        update_index(
            corpus, tmp_path / "cluster.sqlite", progress=kill_one,
            scheduler=running.scheduler_address,
        )  # fmt: skip
    assert killed
    assert contents(tmp_path / "cluster.sqlite") == contents(tmp_path / "local.sqlite")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_scheduler_nobody_runs_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2)
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(
        AiresearchError, match=f"cannot reach the scheduler at {address}"
    ):
        update_index(BUNDLED, tmp_path / "i.sqlite", scheduler=address)
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_cluster_without_workers_is_refused_before_any_write(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_module, "WORKER_SECONDS", 1)
    update_index(BUNDLED, tmp_path / "i.sqlite", workers=1)
    before = contents(tmp_path / "i.sqlite")
    with local_cluster(0) as empty:
        with pytest.raises(AiresearchError, match="has no workers"):
            update_index(
                BUNDLED, tmp_path / "i.sqlite", rebuild=True,
                scheduler=empty.scheduler_address,
            )  # fmt: skip
    assert contents(tmp_path / "i.sqlite") == before


class OtherVersion(distributed.WorkerPlugin):
    """Makes a worker report another airesearch, as an older install would."""

    def setup(self, worker):
        from airesearch.ingest import pipeline

        pipeline.analysis_versions = lambda: {"airesearch": "0.0.9", "analysis": "x"}


def test_workers_of_another_version_are_refused_before_any_write(tmp_path):
    with local_cluster(1) as running, distributed.Client(running) as client:
        client.register_plugin(OtherVersion())
        with pytest.raises(
            AiresearchError, match="runs airesearch 0.0.9 .*this client"
        ):
            update_index(
                BUNDLED, tmp_path / "i.sqlite", scheduler=running.scheduler_address
            )
    assert not (tmp_path / "i.sqlite").exists()
