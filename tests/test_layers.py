"""Imports flow one way (the project style guide, §1): every module has a layer, and
every import, including those inside functions, points to a lower layer. A new
module gets a layer here; a cycle cannot come back unseen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "airesearch"
LAYERS = (
    ("batches",),
    (
        "errors",
        "models",
        "tokens",
        "money",
        "aggregates",
        "readable",
        "post_terms",
    ),
    ("passages", "gazetteer", "spellings", "entity_lookup"),
    ("corpus", "entities"),
    ("entity_context", "deals", "storage"),
    ("analysis",),
    ("updates",),
    ("index",),
    ("freshness", "post_queries", "query"),
    ("concordance", "trends", "keywords"),
    ("deal_queries",),
    ("entity_queries", "relations"),
    ("graph_views", "briefs", "brief_pages"),
    ("render",),
    ("research_render",),
    ("actions",),
    ("cli_options",),
    ("research_cli",),
    ("cli",),
    ("launch",),
    ("__main__", "__init__"),
)
LAYER = {module: number for number, group in enumerate(LAYERS) for module in group}
# Third-party imports each kept to one module, so that start-up stays cheap.
ONLY_IN = {
    "fugashi": {"tokens"},
    "typer": {"cli", "cli_options", "research_cli"},
    "rich": {"render", "research_render"},
    "networkx": {"graph_views"},
}


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(airesearch modules, top-level third-party packages) imported anywhere."""
    ours, theirs = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            top, _, rest = node.module.partition(".")
            if top == "airesearch":
                ours |= {rest} if rest else {alias.name for alias in node.names}
            else:
                theirs.add(top)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                (ours.add(rest) if top == "airesearch" and rest else theirs.add(top))
    return ours - {path.stem}, theirs


MODULES = sorted(PACKAGE.glob("*.py"))


def test_every_module_has_a_layer():
    assert {path.stem for path in MODULES} == set(LAYER)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.stem)
def test_imports_point_down(path):
    ours, theirs = imports_of(path)
    upward = sorted(m for m in ours if LAYER[m] >= LAYER[path.stem])
    assert upward == [], f"{path.stem} imports {upward} from its layer or above"
    for package, allowed in ONLY_IN.items():
        assert package not in theirs or path.stem in allowed, (path.stem, package)
