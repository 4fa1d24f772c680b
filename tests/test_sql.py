"""The shared SQL pieces: IN lists past SQLite's variable limit, what an SQLite
error is reported as, the type model trained once per index generation."""

import sqlite3

import pytest

from airesearch.errors import index_error
from airesearch.index import name_types
from airesearch.index.build import open_index, update_index
from airesearch.index.sql import rows_for
from airesearch.output.render import exit_code
from airesearch.queries import entity_lookup
from airesearch.queries.deals import deals, load_rates
from airesearch.queries.entities import entities, entity_profile
from airesearch.queries.relations import network

from .conftest import write_corpus

LOW_LIMIT = 12  # variables per statement: far below the lists these queries build


def answers(conn):
    rates = load_rates()
    return (
        entities(conn, top=0),
        entity_profile(conn, "NVIDIA"),
        deals(conn, rates, top=0),
        network(conn, rates, top=500, min_weight=1),
        network(conn, rates, entity="NVIDIA", depth=2, top=500, min_weight=1),
        entity_lookup.display_names(conn, sorted(name_types.learned_types(conn))),
    )


def test_every_in_list_stays_under_the_connection_variable_limit(bundled_index):
    # A statement with one ? per value fails past SQLITE_LIMIT_VARIABLE_NUMBER
    # (32,766 by default: 17,000 entities' co-mentions once broke it).
    usual = open_index(bundled_index[1])
    low = open_index(bundled_index[1])
    low.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LOW_LIMIT)
    keys = [key for (key,) in usual.execute("SELECT entity FROM entity_totals")]
    assert len(keys) > LOW_LIMIT
    with pytest.raises(sqlite3.OperationalError, match="too many SQL variables"):
        low.execute(f"SELECT 1 WHERE 1 IN ({','.join('?' * len(keys))})", keys)
    assert answers(low) == answers(usual)


def test_rows_for_repeats_the_batch_for_every_placeholder_list(bundled):
    bundled.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 5)
    try:
        rows = list(
            rows_for(
                bundled,
                "SELECT id FROM posts WHERE length(path) > ? AND id IN ({})"
                " UNION ALL SELECT -id FROM posts WHERE -id IN ({})",
                [1, -2, 3, -4, 5],
                before=(0,),
            )
        )
    finally:
        bundled.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)
    # batches of two (5 variables: 1 before, 2 lists of 2)
    assert sorted(id_ for (id_,) in rows) == [-4, -2, 1, 3, 5]


def real_error(sql: str, *params) -> sqlite3.Error:
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 2)
    try:
        conn.execute(sql, params)
    except sqlite3.Error as error:
        return error
    raise AssertionError("no error")


def test_an_error_that_is_not_corruption_is_not_called_damage(capsys):
    too_many = real_error("SELECT ?, ?, ?", 1, 2, 3)
    assert exit_code(too_many) == 2
    said = capsys.readouterr().err
    assert "too many SQL variables" in said
    assert "damaged" not in said and "--rebuild" not in said
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5
    assert "busy" in str(index_error(busy, "/x.sqlite"))


def test_a_damaged_file_is_called_damaged(tmp_path):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not a database at all" * 200)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    message = str(index_error(caught.value, str(path)))
    assert "is damaged" in message and "airesearch index --rebuild" in message
    missing = real_error("SELECT * FROM no_table_here")
    assert "is damaged" in str(index_error(missing))


def test_the_type_model_is_trained_where_the_index_is_written(monkeypatch, tmp_path):
    # An update trains it and keeps what it learned; listings only read that.
    corpus = write_corpus(tmp_path / "corpus")
    trained = []
    train = name_types.train_types
    monkeypatch.setattr(
        name_types, "train_types", lambda conn: trained.append(1) or train(conn)
    )
    monkeypatch.setattr(name_types, "TYPE_MODELS", {})
    update_index(corpus, tmp_path / "i.sqlite", workers=1)
    assert len(trained) == 1
    conn = open_index(tmp_path / "i.sqlite")
    first = entity_lookup.display_names(conn)
    for _ in range(3):
        assert entity_lookup.display_names(conn) == first
    assert name_types.not_names(conn) is not None
    assert len(trained) == 1  # read, not trained again
    conn.close()
    (corpus / "new.md").write_text("# 新しい記事\n\nエヌビディアの話。\n", "utf-8")
    update_index(corpus, tmp_path / "i.sqlite", workers=1)
    assert len(trained) == 2  # the index changed: trained again, by the update
    conn = open_index(tmp_path / "i.sqlite")
    # What is kept is what training says.
    assert name_types.types_of(conn) == name_types.learned_types(conn)
    conn.close()
