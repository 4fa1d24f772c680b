import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airesearch.cli.app import app
from airesearch.cli.launch import parse_options

ANSI = re.compile(r"\x1b\[")
HIT_FIELDS = {
    "path", "title", "date", "tags", "categories", "score", "snippet",
    "snippet_matches", "passage", "passage_kind", "passage_seq", "matches",
    "matched_passages",
}  # fmt: skip


@pytest.fixture
def where(messy_index) -> list[str]:
    corpus, index = messy_index
    return ["--corpus", str(corpus), "--index", str(index)]


def invoke(*args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(app, list(args))


def test_search_json_has_the_documented_fields(where):
    result = invoke("search", "データセンター", *where, "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {hit["path"] for hit in hits} >= {
        "2025/09/nscale.md",
        "2025/10/ハイレゾ.markdown",
    }
    assert set(hits[0]) == HIT_FIELDS
    assert hits == sorted(hits, key=lambda hit: -hit["score"])


def test_search_jsonl_is_one_object_per_line(where):
    result = invoke("search", "データセンター", *where, "--jsonl", "--limit", "2")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(set(json.loads(line)) == HIT_FIELDS for line in lines)


def test_search_csv_has_a_header(where):
    result = invoke("search", "ナルヴィク", *where, "--csv")
    header, row = result.stdout.splitlines()
    assert header.startswith("path,title,date,score")
    assert row.startswith("2025/09/nscale.md,Nscaleの欧州投資")


def test_nothing_found_exits_1_with_an_empty_array_and_a_hint(where):
    result = invoke("search", "nvidai", *where, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "did you mean nvidia?" in result.stderr


def test_words_after_the_command_are_one_query(where):
    result = invoke("search", "--json", *where, "--", "データセンター", "-ナルヴィク")
    paths = {hit["path"] for hit in json.loads(result.stdout)}
    assert "2025/10/ハイレゾ.markdown" in paths and "2025/09/nscale.md" not in paths


@pytest.mark.parametrize(
    "args, message",
    (
        (["search", '"データ'], "unbalanced quote"),
        (["search", "データ", "--since", "yesterday"], "--since wants a date"),
        (["search", "データ", "--json", "--jsonl"], "choose one of --json"),
    ),
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(where, args, message):
    result = invoke(*args, *where)
    assert result.exit_code == 2
    assert result.stderr.startswith("airesearch: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_missing_corpus_folder_exits_2(tmp_path):
    result = invoke("search", "AI", "--corpus", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_foreign_index_file_is_refused_and_untouched(messy_index, tmp_path):
    corpus, _ = messy_index
    foreign = tmp_path / "mine.db"
    foreign.write_text("my notes")
    for command in (["index", "--rebuild"], ["search", "AI"], ["stats"]):
        result = invoke(*command, "--corpus", str(corpus), "--index", str(foreign))
        assert result.exit_code == 2
        assert "not an airesearch index" in result.stderr
    assert foreign.read_text() == "my notes"


def test_index_reports_its_summary_and_json(messy_copy, tmp_path):
    index = tmp_path / "i.sqlite"
    result = invoke(
        "index", "--corpus", str(messy_copy), "--index", str(index), "--json"
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["posts"] == 6 and report["dropped"] == 6
    assert "indexed 6 posts" in result.stderr
    assert "binary.md: binary file" in result.stderr
    again = invoke("index", "--corpus", str(messy_copy), "--index", str(index))
    assert "already up to date" in again.stderr


def test_search_builds_the_index_on_first_use_and_updates_it(messy_copy, tmp_path):
    where = ["--corpus", str(messy_copy), "--index", str(tmp_path / "i.sqlite")]
    assert invoke("search", "ナルヴィク", *where).exit_code == 0
    (messy_copy / "later.md").write_text("# 後から\n\nセレブラスの新チップ。")
    result = invoke("search", "セレブラス", *where, "--json")
    assert [hit["path"] for hit in json.loads(result.stdout)] == ["later.md"]
    assert "1 added" in result.stderr


def test_environment_variables_choose_corpus_and_index(messy_index):
    corpus, index = messy_index
    env = {"AIRESEARCH_CORPUS": str(corpus), "AIRESEARCH_INDEX": str(index)}
    result = invoke("search", "石狩", "--json", env=env)
    assert [hit["path"] for hit in json.loads(result.stdout)] == [
        "2025/10/ハイレゾ.markdown"
    ]


def test_show_and_stats(where):
    post = json.loads(invoke("show", "2025/09/nscale.md", *where, "--json").stdout)
    assert post["title"] == "Nscaleの欧州投資" and post["dropped_passages"] == 1
    text = invoke("show", "2025/09/nscale.md", *where).stdout
    assert "[1 heading]" in text and "Nscaleと欧州AIインフラ" in text
    figures = json.loads(invoke("stats", *where, "--json").stdout)
    assert figures["posts"] == 6 and figures["skipped_files"] == 2
    # Without Typer (launch.py), the same object; the figures the last update
    # stored are the index's counts.
    assert json.loads(run_cli("stats", *where, "--json").stdout) == figures
    counted = sqlite3.connect(where[3]).execute("SELECT count(*) FROM passages")
    assert figures["passages"] == counted.fetchone()[0]
    assert invoke("show", "nope.md", *where).exit_code == 2


def test_plain_text_when_not_a_terminal_and_colour_only_when_asked(where):
    plain = invoke("search", "ナルヴィク", *where)
    assert plain.exit_code == 0 and not ANSI.search(plain.stdout)
    assert "Nscaleの欧州投資" in plain.stdout and "2025/09/nscale.md" in plain.stdout
    coloured = invoke("search", "ナルヴィク", *where, "--color", "always")
    assert ANSI.search(coloured.stdout)
    never = invoke("search", "ナルヴィク", *where, "--color", "never")
    assert not ANSI.search(never.stdout)


COMMAND_NAMES = [command.callback.__name__ for command in app.registered_commands]


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_command_has_help(command):
    # What a user reads: the command's own summary and every option it takes.
    import typer

    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [command, "--help"])
    assert result.exit_code == 0
    click_command = typer.main.get_command(app).commands[command]
    summary = click_command.help.strip().splitlines()[0]
    assert summary in result.stdout
    for param in click_command.params:
        if param.param_type_name == "option":
            assert any(name in result.stdout for name in param.opts), param.opts
    assert "--corpus" in result.stdout and "--index" in result.stdout


FAST_PATH_CASES = (
    (["データ", "--json"], {"query": ["データ"], "json_out": True}),
    (["--tag=a", "--tag", "b", "x", "--jsonl"], {"tag": ["a", "b"], "query": ["x"]}),
    (["--limit", "0", "--", "-x", "y"], {"limit": 0, "query": ["-x", "y"]}),
)


@pytest.mark.parametrize("args, expected", FAST_PATH_CASES)
def test_fast_path_parses_search_options(args, expected):
    options = parse_options("search", args)
    assert options is not None
    for key, value in expected.items():
        assert options[key] == value


@pytest.mark.parametrize(
    "args",
    (
        ["--help"],
        ["x", "--limit", "many"],
        ["x", "--unknown"],
        ["--json"],
        ["x", "--tag"],
    ),
)
def test_fast_path_defers_anything_unusual_to_typer(args):
    assert parse_options("search", args) is None


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """Run airesearch as a real process; leading -X options go to Python."""
    env = {**os.environ, **(env_extra or {})}
    python_options = list(args[:2]) if args[:1] == ("-X",) else []
    args = args[len(python_options) :]
    return subprocess.run(
        [sys.executable, *python_options, "-m", "airesearch", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_real_process_fast_path_gives_what_typer_gives(where):
    for extra in ([], ["--passages", "--limit", "0"], ["--tag", "NVIDIA"]):
        fast = run_cli("search", "データセンター", *where, *extra, "--json")
        typer_path = invoke("search", "データセンター", *where, *extra, "--json")
        assert fast.returncode == typer_path.exit_code == 0
        assert json.loads(fast.stdout) == json.loads(typer_path.stdout)
    missing = run_cli("search", "nvidai", *where, "--json")
    assert missing.returncode == 1 and json.loads(missing.stdout) == []
    bad = run_cli("search", '"x', *where, "--json")
    assert bad.returncode == 2 and bad.stderr.startswith("airesearch: unbalanced quote")


def test_real_process_index_without_typer_reports_as_typer_does(tmp_path):
    # `index` is answered without Typer (launch.py): the same report, the same
    # JSON object, the same errors as the Typer command gives.
    import shutil

    from airesearch.ingest.corpus import bundled_corpus

    shutil.copytree(bundled_corpus(), tmp_path / "corpus")
    where = ["--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "i")]
    first = run_cli("index", *where, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 5
    again = run_cli("index", *where, "--json")
    typer_again = invoke("index", *where, "--json")
    fast_report, typer_report = json.loads(again.stdout), json.loads(typer_again.stdout)
    assert fast_report["unchanged"] == typer_report["unchanged"] == 5
    assert "(already up to date)" in again.stderr
    (tmp_path / "corpus" / "new.md").write_text("# 新しい記事\n\nGPUの話。\n")
    assert json.loads(run_cli("index", *where, "--json").stdout)["added"] == 1
    rebuilt = run_cli("index", *where, "--rebuild", "--no-follow", "--json")
    assert json.loads(rebuilt.stdout)["added"] == 6
    missing = run_cli("index", "--corpus", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.startswith("airesearch: ")
    assert "Traceback" not in missing.stderr


def test_index_report_shows_paths_as_they_are(tmp_path):
    # A path is text, not markup: Rich would have read [draft] as a style tag
    # and printed ".md".
    corpus = tmp_path / "[corpus]"
    (corpus / "[notes]").mkdir(parents=True)
    (corpus / "[draft].md").write_bytes(b"\x00\x01\x02 binary")
    (corpus / "[notes]" / "ok.md").write_text("# 記事\n\n本文。\n")
    index = ["--index", str(tmp_path / "i.sqlite")]
    for run in (run_cli, invoke):
        result = run("index", "--corpus", str(corpus), *index, "--rebuild")
        assert "  [draft].md: binary file" in result.stderr
        assert "warning: [notes]/ok.md: no front matter" in result.stderr
    # In a Rich table too (a terminal, here forced).
    table = invoke("stats", "--corpus", str(corpus), *index, "--color", "always")
    assert "[corpus]" in ANSI.sub("", table.stdout)


def test_real_process_table_output_and_errors(where):
    result = run_cli("search", "ナルヴィク", *where, env_extra={"NO_COLOR": "1"})
    assert result.returncode == 0 and "Nscaleの欧州投資" in result.stdout
    assert not ANSI.search(result.stdout)
    usage = run_cli("search", "x", "--limit", "many", *where)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_closed_pipe_ends_quietly(tmp_path):
    # Far more output than a pipe buffers, so the writer must meet a closed pipe.
    paragraphs = "\n\n".join(f"データ番号{n}の段落です。" for n in range(3000))
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "long.md").write_text(f"# 長い記事\n\n{paragraphs}\n")
    where = [
        "--corpus",
        str(tmp_path / "corpus"),
        "--index",
        str(tmp_path / "i.sqlite"),
    ]
    assert run_cli("index", *where).returncode == 0
    for fmt in (["--color", "never"], ["--jsonl"]):
        command = [sys.executable, "-m", "airesearch", "search", "データ", *where,
                   "--passages", "--limit", "0", *fmt]  # fmt: skip
        producer = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert producer.stdout.read(10)
        producer.stdout.close()
        stderr = producer.stderr.read().decode()
        assert producer.wait(timeout=120) in (0, 1)
        assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_bundled_corpus_is_the_default(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "AIRESEARCH_CORPUS": ""}
    result = run_cli("search", "ナルヴィク", "--json", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["path"] == "000_4dd06db96976100c.txt"
    assert list(Path(tmp_path, "airesearch").glob("corpus-*.sqlite"))


def test_search_json_never_loads_typer_rich_rapidfuzz_or_yaml(where):
    # Start-up is most of a search: these imports alone would double it.
    result = run_cli("-X", "importtime", "search", "ナルヴィク", *where, "--json")
    assert result.returncode == 0
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "airesearch.queries.search" in loaded
    heavy = {"typer", "rich", "rapidfuzz", "yaml", "dataclasses", "pathlib", "tomllib"}
    heavy |= {"airesearch.ingest.entities", "airesearch.ingest.passages"}
    assert not heavy & loaded


def test_search_notices_a_file_changed_in_place_or_deleted(messy_copy, tmp_path):
    where = ["--corpus", str(messy_copy), "--index", str(tmp_path / "i.sqlite")]
    assert run_cli("search", "石狩", *where, "--json").returncode == 0
    post = messy_copy / "2025/10/ハイレゾ.markdown"
    post.write_text(post.read_text().replace("石狩", "苫小牧"))
    moved = run_cli("search", "苫小牧", *where, "--json")
    assert [hit["path"] for hit in json.loads(moved.stdout)] == [
        "2025/10/ハイレゾ.markdown"
    ]
    assert run_cli("search", "石狩", *where, "--json").returncode == 1
    post.unlink()
    assert run_cli("search", "苫小牧", *where, "--json").returncode == 1


def test_a_listing_asked_while_the_check_runs_is_asked_again_after_a_change(
    messy_copy, tmp_path
):
    # The answer is asked while find looks for changes (commands.fresh_answer):
    # an error from a stale index (no such entity yet) does not count when the
    # corpus changed; it does when it did not.
    where = ["--corpus", str(messy_copy), "--index", str(tmp_path / "i.sqlite")]
    assert run_cli("index", *where).returncode == 0
    missing = run_cli("entity", "Cerebras", *where, "--json")
    assert missing.returncode == 2 and "no entity like 'Cerebras'" in missing.stderr
    (messy_copy / "later.md").write_text(
        "# 新チップ\n\nCerebrasが新しいチップを出した。\n"
    )
    found = run_cli("entity", "Cerebras", *where, "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["posts"] == 1
    (messy_copy / "later.md").unlink()
    gone = run_cli("entities", *where, "--json", "--top", "0")
    assert "Cerebras" not in {row["name"] for row in json.loads(gone.stdout)}


def test_no_update_searches_the_index_as_it_is(messy_copy, tmp_path):
    where = ["--corpus", str(messy_copy), "--index", str(tmp_path / "i.sqlite")]
    assert invoke("search", "ナルヴィク", *where, "--no-update").exit_code == 0
    (messy_copy / "later.md").write_text("セレブラスの新チップ。")
    for run in (run_cli, invoke):
        result = run("search", "セレブラス", *where, "--no-update", "--json")
        assert getattr(result, "returncode", getattr(result, "exit_code", None)) == 1
    assert run_cli("search", "セレブラス", *where, "--json").returncode == 0


# Every command that reads the index (the others: index, which writes it).
READ_ONLY = (
    ["stats"], ["entities"], ["entity", "NVIDIA"], ["deals"], ["kwic", "NVIDIA"],
    ["trend", "NVIDIA"], ["keywords", "--since", "2025-01-01"], ["graph"],
    ["brief", "NVIDIA"], ["boilerplate"],
)  # fmt: skip


def test_every_read_only_command_answers_from_the_index_as_it_is(messy_copy, tmp_path):
    where = ["--corpus", str(messy_copy), "--index", str(tmp_path / "i.sqlite")]
    assert invoke("stats", *where, "--json").exit_code == 0
    (messy_copy / "later.md").write_text("NVIDIAの新チップ。", encoding="utf-8")
    for command in READ_ONLY:
        for run in (run_cli, invoke):
            result = run(*command, *where, "--no-update", "--json")
            code = getattr(result, "returncode", getattr(result, "exit_code", None))
            assert code in (0, 1), (command, result.stderr)
    # show finds the new post only once the index is brought up to date.
    assert invoke("show", "later.md", *where, "--no-update").exit_code == 2
    posts = json.loads(invoke("stats", *where, "--json", "--no-update").stdout)
    assert json.loads(invoke("stats", *where, "--json").stdout)["posts"] == (
        posts["posts"] + 1
    )


@pytest.mark.parametrize("command", (["deals"], ["graph"], ["entities"]))
def test_top_0_means_all(bundled_where, command):
    every = invoke(*command, *bundled_where, "--top", "0", "--json")
    assert every.exit_code == 0, every.stderr
    few = json.loads(invoke(*command, *bundled_where, "--top", "2", "--json").stdout)
    every = json.loads(every.stdout)
    if command == ["graph"]:
        every, few = every["nodes"], few["nodes"]
    assert len(every) > len(few) == 2


ENTITY_FIELDS = {
    "name", "type", "aliases", "mentions", "posts", "first_date", "last_date",
    "co_mentions", "deals", "deals_usd",
}  # fmt: skip


@pytest.fixture
def bundled_where(bundled_index) -> list[str]:
    corpus, index = bundled_index
    return ["--corpus", str(corpus), "--index", str(index)]


def test_entities_json_fields_and_options(bundled_where):
    result = invoke("entities", *bundled_where, "--json", "--top", "5")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and set(rows[0]) == ENTITY_FIELDS
    assert rows[0]["name"] == "NVIDIA"
    people = json.loads(
        invoke("entities", *bundled_where, "--type", "person", "--json").stdout
    )
    assert [row["name"] for row in people] == ["ジェンスン・フアン"]
    lines = invoke(
        "entities", *bundled_where, "--jsonl", "--top", "0"
    ).stdout.splitlines()
    assert len(lines) > 40
    csv_text = invoke("entities", *bundled_where, "--csv", "--top", "2").stdout
    assert csv_text.splitlines()[0].startswith("name,type,mentions,posts")
    table = invoke("entities", *bundled_where, "--top", "3").stdout
    assert table.splitlines()[1].startswith("NVIDIA\torg\t")
    bad = invoke("entities", *bundled_where, "--type", "animal")
    assert bad.exit_code == 2


def test_entity_profile_and_lookup_errors(bundled_where):
    result = invoke("entity", "エヌビデア", *bundled_where, "--json")
    assert result.exit_code == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["name"] == "NVIDIA" and profile["per_month"]
    assert set(profile) >= {"aliases", "co_mentions", "top_posts", "examples"}
    text = invoke("entity", "nvidai", *bundled_where).stdout
    assert "mentions per month" in text and "2025-11" in text and "█" in text
    ambiguous = invoke("entity", "GB00", *bundled_where)
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.stderr


def test_search_expands_aliases_unless_exact_and_filters_by_entity(bundled_where):
    def paths(*args):
        result = run_cli("search", *args, *bundled_where, "--json", "--limit", "0")
        return [hit["path"] for hit in json.loads(result.stdout or "[]")]

    assert len(paths("エヌビディア")) == 5  # the posts say NVIDIA / Nvidia
    assert paths("エヌビディア", "--exact") == []
    with_entity = paths("データセンター", "--entity", "Nscale")
    assert with_entity == ["000_4dd06db96976100c.txt"]
    typer_hits = invoke(
        "search", "データセンター", "--entity", "Nscale", *bundled_where, "--json"
    )
    assert [hit["path"] for hit in json.loads(typer_hits.stdout)] == with_entity


def test_a_users_gazetteer_extends_the_bundled_one(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRESEARCH_ENTITIES", raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # Five posts: the indexer analyses them in worker processes, which must get
    # the user's gazetteer passed along (nothing goes through the environment).
    for number in range(5):
        (corpus / f"{number}.md").write_text(
            "# 新会社\n\nゼノバースは東京で新しいデータセンターを開いた。"
        )
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[entity]]\nname = "Zenoverse"\ntype = "org"\naliases = ["ゼノバース"]\n'
    )
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "i.sqlite")]
    before = json.loads(invoke("entities", *where, "--json").stdout)
    assert "Zenoverse" not in [row["name"] for row in before]
    after = invoke("entities", *where, "--entities", str(mine), "--json")
    assert "Zenoverse" in [row["name"] for row in json.loads(after.stdout)]
    assert "AIRESEARCH_ENTITIES" not in os.environ
    fresh = ["--corpus", str(corpus), "--index", str(tmp_path / "j.sqlite")]
    assert run_cli("index", *fresh, "--entities", str(mine)).returncode == 0
    by_env = run_cli("entities", *fresh, "--json",
                     env_extra={"AIRESEARCH_ENTITIES": str(mine)})  # fmt: skip
    assert "Zenoverse" in [row["name"] for row in json.loads(by_env.stdout)]
    broken = tmp_path / "broken.toml"
    broken.write_text("[[entity]\nname=")
    result = invoke("entities", *where, "--entities", str(broken))
    assert result.exit_code == 2 and "not valid TOML" in result.stderr


def test_regression_search_rebuilds_an_index_of_an_older_schema(messy_copy, tmp_path):
    # An index from before entities lacked entity_aliases; search read it first.
    index = tmp_path / "i.sqlite"
    where = ["--corpus", str(messy_copy), "--index", str(index)]
    assert run_cli("index", *where).returncode == 0
    conn = sqlite3.connect(index)
    conn.executescript("DROP TABLE entity_aliases; PRAGMA user_version = 3;")
    conn.close()
    for extra in ([], ["--no-update"]):
        result = run_cli("search", "ナルヴィク", *where, "--json", *extra)
        assert result.returncode == 0, result.stderr
        assert [hit["path"] for hit in json.loads(result.stdout)] == [
            "2025/09/nscale.md"
        ]


DEAL_FIELDS = {
    "amount", "min", "max", "currency", "qualifier", "per", "usd_min", "usd_max",
    "kind", "payer", "payee", "roles", "parties", "entities", "mentions", "sentence",
    "path",
    "title", "date", "passage_seq", "start", "end", "restated", "posts",
    "first_date", "last_date", "pairs",
}  # fmt: skip


def test_deals_command_json_table_and_rates(bundled_where):
    result = invoke("deals", *bundled_where, "--json", "--top", "3")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and set(rows[0]) == DEAL_FIELDS
    assert rows[0]["usd_min"] >= rows[1]["usd_min"] >= rows[2]["usd_min"]
    table = invoke("deals", *bundled_where, "--entity", "NVIDIA").stdout
    assert "6億8,300万ドル\t6.83億ドル\t$683.0M\tdeal\tNVIDIA → Nscale" in table
    assert table.splitlines()[-1].startswith("# ")
    rates = json.loads(invoke("deals", "--rates", "--rate", "JPY=140", "--json").stdout)
    assert {"currency": "JPY", "per_usd": 140.0} in rates
    bad = invoke("deals", *bundled_where, "--rate", "JPY=cheap")
    assert bad.exit_code == 2 and "--rate wants" in bad.stderr
    fast = run_cli("search", "62億ドル", *bundled_where, "--json")
    assert json.loads(fast.stdout)[0]["path"] == "000_4dd06db96976100c.txt"


def test_regression_an_index_damaged_past_its_schema_is_an_error_not_a_traceback(
    bundled_index, tmp_path
):
    # open_index reads the schema; damage further in surfaced mid-search.
    corpus, index = bundled_index
    data = bytearray(index.read_bytes())
    cut = len(data) * 3 // 4 // 4096 * 4096
    data[cut:] = b"\xff" * (len(data) - cut)
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(bytes(data))
    where = ["--corpus", str(corpus), "--index", str(damaged), "--no-update"]
    fast = run_cli("search", "データセンター", *where, "--json", "--limit", "0")
    slow = invoke("search", "データセンター", *where, "--json", "--limit", "0")
    assert (fast.returncode, slow.exit_code) == (2, 2)
    for stderr in (fast.stderr, slow.stderr):
        assert "damaged" in stderr and "--rebuild" in stderr
        assert "Traceback" not in stderr


def run_in_process(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    """cli.run() as the console script calls it: (exit code, stderr)."""
    from airesearch.cli.app import run

    monkeypatch.setattr(sys, "argv", ["airesearch", *args])
    with pytest.raises(SystemExit) as stopped:
        run()
    return stopped.value.code, capsys.readouterr().err


COMMAND_ARGS = {
    "index": [], "search": ["x"], "show": ["a.md"], "stats": [], "entities": [],
    "entity": ["nvidia"], "deals": [],
}  # fmt: skip


@pytest.mark.parametrize("command", COMMAND_ARGS)
def test_an_unknown_option_is_one_line_naming_the_closest(capsys, monkeypatch, command):
    code, err = run_in_process(
        capsys, monkeypatch, command, *COMMAND_ARGS[command], "--corpsu", "x"
    )
    assert code == 2
    assert err.count("\n") == 1 and "╭" not in err
    assert err.startswith(f"airesearch: {command}: no option --corpsu")
    assert "did you mean --corpus?" in err


@pytest.mark.parametrize(
    "args, expected",
    (
        (["entities", "--type", "animal"], "'org', 'person', 'place', 'product'"),
        (["deals", "--kind", "gift"], "'all', 'valuation', 'price', 'capex'"),
        (["deals", "--sort", "size"], "'amount', 'date'"),
        (["entities", "--top", "many"], "bad --top"),
        (["search"], "missing argument 'query'"),
        (["serch", "x"], "no command 'serch'; did you mean search?"),
    ),
)
def test_a_bad_choice_is_one_line_naming_the_valid_ones(
    capsys, monkeypatch, args, expected
):
    code, err = run_in_process(capsys, monkeypatch, *args)
    assert code == 2 and err.count("\n") == 1 and expected in err


@pytest.mark.parametrize(
    "args",
    (
        ["entities", "--json", "--top", "5"],
        ["entities", "--jsonl", "--type", "product", "--sort", "posts"],
        ["entities", "--csv", "--since", "2025-09-20"],
        ["entity", "nvidai", "--json"],
        ["deals", "--json", "--kind", "all", "--top", "0"],
        ["deals", "--csv", "--entity", "nvidia", "--each"],
        ["deals", "--json", "--rates", "--rate", "JPY=140"],
    ),
)
def test_listings_as_data_are_answered_without_typer_alike(bundled_where, args):
    fast = run_cli(*args, *bundled_where)
    slow = invoke(*args, *bundled_where)
    assert fast.returncode == slow.exit_code == 0, fast.stderr
    assert fast.stdout == slow.stdout


@pytest.mark.parametrize(
    "args",
    (
        ["entities", "--json", "--type", "animal"],
        ["deals", "--json", "--kind", "gift"],
        ["entity", "--json"],
        ["entities", "--json", "--top", "many"],
    ),
)
def test_a_bad_value_on_the_fast_path_is_typer_s_one_line_error(bundled_where, args):
    result = run_cli(*args, *bundled_where)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_listings_as_data_never_import_typer(bundled_where):
    for args in (["entities", "--json"], ["entity", "NVIDIA", "--json"],
                 ["deals", "--json"]):  # fmt: skip
        result = run_cli("-X", "importtime", *args, *bundled_where)
        assert result.returncode == 0
        imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
        # Nor the search engine, nor the cluster: they answer from SQLite.
        heavy = {"typer", "rich", "pydantic", "tantivy", "dask", "distributed"}
        assert not heavy & imported, args


def test_search_as_data_imports_the_engine_but_not_the_cluster(bundled_where):
    result = run_cli("-X", "importtime", "search", "データセンター", "--json",
                     *bundled_where)  # fmt: skip
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "tantivy" in imported
    assert not {"typer", "rich", "dask", "distributed"} & imported


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = invoke("--version")
    assert (
        result.exit_code == 0
        and result.stdout == f"airesearch {version('airesearch')}\n"
    )


@pytest.mark.parametrize("command", ([], ["search"], ["index"], ["deals"]))
def test_help_shows_no_type_placeholder_after_flags(command):
    text = CliRunner(env={"COLUMNS": "200"}).invoke(app, [*command, "--help"]).stdout
    assert "--help" in text and "<bool>" not in text and "╭" not in text


def usd_figures(args: list[str], rate: list[str]) -> list[float]:
    """Every USD figure a command prints as JSON, in order."""
    result = run_cli(*args, *rate)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    command = args[0]
    if command == "entities":
        return [row["deals_usd"] for row in data]
    if command == "entity":
        return [data["deals_usd"]]
    if command == "graph":
        return [edge["usd"] for edge in data["edges"]]
    return [d["usd_min"] for d in data["deals"]] + [m["usd"] for m in data["money"]]


@pytest.mark.parametrize(
    "args",
    (
        ["entities", "--json"],
        ["entity", "Nscale", "--json"],
        ["graph", "--edges", "money", "--json"],
        ["brief", "Nscale", "--json"],
    ),
    ids=lambda args: args[0],
)
def test_every_command_that_shows_usd_takes_the_rate(args, bundled_where):
    # The bundled figures are all in dollars: counting 2 units to the dollar
    # halves every USD figure, whichever command shows it.
    usual = usd_figures([*args, *bundled_where], [])
    halved = usd_figures([*args, *bundled_where], ["--rate", "USD=2"])
    assert any(usual) and halved == [round(x / 2, 2) if x else x for x in usual]


def test_a_bad_rate_is_a_clear_error(bundled_where):
    for bad in ("JPY=0", "JPY=inf", "JPY=nan", "J'P=1", "JPY"):
        result = run_cli("deals", *bundled_where, "--json", "--rate", bad)
        assert result.returncode == 2, bad
        assert result.stderr.startswith("airesearch: --rate wants"), result.stderr
