"""Imports flow one way (the project style guide, §1). The package is in
folders by layer, from the ground up: the shared records and tokenizer, ingest/
(read and analyse a post), index/ (write and keep the index, and the one seam
that answers which passages match), queries/, then research/ and output/ (side
by side: neither imports the other), then cli/. Inside a folder, modules are
in order too. Every import, including those inside functions, points to a
lower place; a new module gets its place here, so a cycle cannot come back
unseen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "airesearch"
FLOORS = (
    {"": ("errors", "models", "tokens")},
    {
        "ingest": (
            "money", "passages", "gazetteer_files", "gazetteer", "corpus", "entities",
            "roles", "events",
            "entity_context", "figures", "pipeline", "cluster",
        ),
    },
    {
        "index": (
            "packed_text", "watched", "stamp", "sql", "meta", "aggregates",
            "post_terms", "schema", "post_rows",
            "things", "name_types", "engine",
            "engine_queries",
            "postings",
            "template",
            "boilerplate",
            "storage", "updates", "update_lock", "build", "freshness", "inotify",
            "watcher", "watch_server",
        ),
    },
    {
        "queries": (
            "spellings", "entity_lookup", "search", "posts", "deals", "entities",
            "timeline", "relations",
        ),
    },
    {
        "research": (
            "concordance", "trends", "keywords", "graph_views", "key_sentences",
            "briefs",
        ),
        "output": ("readable", "render", "research_render", "brief_pages"),
    },
    {
        "cli": (
            "environment", "option_table", "commands", "bodies", "options", "app",
            "launch",
        ),
    },
    {"": ("__main__",)},
)  # fmt: skip
# module (dotted, under airesearch) -> (floor, place inside its folder)
PLACE = {
    (f"{folder}.{name}" if folder else name): (floor, place)
    for floor, folders in enumerate(FLOORS)
    for folder, names in folders.items()
    for place, name in enumerate(names)
}
FOLDERS = {folder for floor in FLOORS for folder in floor if folder}
# Third-party imports each kept to the modules that need them, so that
# start-up stays cheap.
ONLY_IN = {
    "fugashi": {"tokens"},
    "typer": {"cli.app", "cli.options"},
    "rich": {"output.render", "output.research_render"},
    "networkx": {"research.graph_views"},
    "tantivy": {"index.engine", "index.engine_queries"},
    "distributed": {"ingest.cluster"},
    "dask": {"ingest.cluster"},
}
# Only the engine's files and the seam know that the postings are in tantivy.
POSTINGS_ENGINE = re.compile(r"\btantivy\b|\bQuery\.")
KNOWS_THE_ENGINE = {"index.engine", "index.engine_queries", "index.postings"}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(airesearch modules, top-level third-party packages) imported anywhere."""
    ours, theirs = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            top, _, rest = node.module.partition(".")
            if top != "airesearch":
                theirs.add(top)
            elif rest in FOLDERS:  # from airesearch.output import render
                ours |= {f"{rest}.{alias.name}" for alias in node.names}
            else:
                ours |= {rest} if rest else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                (ours.add(rest) if top == "airesearch" and rest else theirs.add(top))
    return ours - {module_name(path), "__version__"}, theirs


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def test_every_module_has_a_place():
    assert {module_name(path) for path in MODULES} == set(PLACE)


def test_folders_are_empty_packages():
    # An __init__ that imports would load its whole folder on every start-up.
    for folder in FOLDERS:
        assert (PACKAGE / folder / "__init__.py").read_text() == ""


def below(imported: str, importer: str) -> bool:
    (floor, place), (own_floor, own_place) = PLACE[imported], PLACE[importer]
    same_folder = imported.rpartition(".")[0] == importer.rpartition(".")[0]
    return floor < own_floor or (same_folder and floor == own_floor
                                 and place < own_place)  # fmt: skip


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_point_down(path):
    name = module_name(path)
    ours, theirs = imports_of(path)
    upward = sorted(m for m in ours if not below(m, name))
    assert upward == [], f"{name} imports {upward} from its place or above"
    for package, allowed in ONLY_IN.items():
        assert package not in theirs or name in allowed, (name, package)


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_only_the_seam_knows_the_postings_engine(path):
    name = module_name(path)
    found = POSTINGS_ENGINE.search(path.read_text(encoding="utf-8"))
    assert name in KNOWS_THE_ENGINE or not found, f"{name}: {found and found[0]}"


def test_the_layer_rule_catches_an_upward_import():
    assert below("index.sql", "queries.search")
    assert not below("queries.search", "index.build")
    assert not below("output.render", "research.briefs")  # side by side
    assert not below("index.build", "index.storage")  # later in its folder
