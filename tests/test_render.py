import json
import sqlite3

import pytest

from airesearch import render
from airesearch.errors import AiresearchError
from airesearch.models import Passage


@pytest.mark.parametrize(
    "error, code, stderr",
    (
        (AiresearchError("no index at x"), 2, "airesearch: no index at x\n"),
        (sqlite3.DatabaseError("malformed"), 2, "airesearch: the index is damaged"),
        (KeyboardInterrupt(), 130, ""),
    ),
)
def test_one_exit_code_and_message_per_error(capsys, error, code, stderr):
    assert render.exit_code(error) == code
    assert capsys.readouterr().err.startswith(stderr)


def test_data_formats_keep_field_order_and_japanese(capsys):
    records = [Passage(0, "title", "日本GPUアライアンス"), Passage(1, "list", "京都")]
    render.emit_data(records, render.Output.json, ["seq", "kind", "text"])
    assert json.loads(capsys.readouterr().out)[0] == {
        "seq": 0, "kind": "title", "text": "日本GPUアライアンス"
    }  # fmt: skip
    render.emit_data(records, render.Output.jsonl, ["seq", "kind", "text"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "京都" in lines[1]
    render.emit_data(records, render.Output.csv, ["seq", "text"])
    assert capsys.readouterr().out.splitlines() == [
        "seq,text",
        "0,日本GPUアライアンス",
        "1,京都",
    ]


def test_only_one_data_format_at_a_time():
    assert render.choose_output(False, False, False) is render.Output.table
    with pytest.raises(AiresearchError, match="choose one of"):
        render.choose_output(True, False, True)
