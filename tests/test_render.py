import json
import sqlite3

import pytest

from airesearch.errors import AiresearchError
from airesearch.models import Passage
from airesearch.output import readable, render


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


@pytest.mark.parametrize(
    "low, high, currency, japanese, english",
    (
        (350_000_000_000, 350_000_000_000, "USD", "3,500億ドル", "$350.0B"),
        (683_000_000, 683_000_000, "USD", "6.83億ドル", "$683.0M"),
        (1_914_000_000_000, 1_914_000_000_000, "USD", "1.914兆ドル", "$1.9T"),
        (1_000_000_000, 2_000_000_000, "JPY", "10億〜20億円", "$1.0B–$2.0B"),
        (-300_000_000, -300_000_000, "JPY", "-3億円", "-$300.0M"),
        (25, 25, "USD", "25ドル", "$25"),
        (0.5, 0.5, "JPY", "0.5円", "$0.5"),
        (15_000, 40_000, "JPY", "1.5万〜4万円", "$15.0K–$40.0K"),
        (76_000_000_000, 76_000_000_000, "XYZ", "760億 XYZ", "$76.0B"),
    ),
)
def test_readable_amounts(low, high, currency, japanese, english):
    assert readable.readable_amount(low, high, currency) == japanese
    assert readable.readable_usd(low, high) == english


def test_plurals():
    assert readable.plural(1, "figure") == "1 figure"
    assert readable.plural(2, "figure") == "2 figures"
    assert readable.plural(1200, "post") == "1,200 posts"


def test_status_lines_are_text_not_markup(capsys):
    render.print_cluster("tcp://[::1]:8786", 2)
    render.print_waiting("4321")
    assert capsys.readouterr().err.splitlines() == [
        "analysing on 2 workers of tcp://[::1]:8786",
        "waiting for another update of this index (process 4321)…",
    ]


def test_csv_cells_join_lists_and_pairs():
    from airesearch.output.render import csv_cell

    assert csv_cell(["NVIDIA", "Nscale"]) == "NVIDIA;Nscale"
    assert csv_cell([["Microsoft", "Anthropic"], ["NVIDIA", "Anthropic"]]) == (
        "Microsoft→Anthropic;NVIDIA→Anthropic"
    )
    assert csv_cell([]) == ""
    assert csv_cell({"amount": "1兆円"}) == '{"amount": "1兆円"}'
