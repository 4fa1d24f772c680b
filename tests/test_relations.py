"""graph: co-mention edges ranked by association, money flows, the ego view,
and every export format read back."""

import io
import json

import networkx as nx
import pytest

from airesearch.errors import AiresearchError
from airesearch.queries.deals import load_rates
from airesearch.queries.entities import entity_profile
from airesearch.queries.relations import network, with_paths
from airesearch.research.graph_views import as_data, export, to_graph

from .conftest import index_fixture

# 日本 is named in every passage (a hub); Nscale with Aker in three passages,
# with 日本 in six. By raw counts 日本 is Nscale's first partner; by Jaccard
# Aker is (3 / (6 + 3 - 3) = 0.5 against 6 / (6 + 15 - 6) = 0.4).
CLOSE = "日本でNscaleとAkerが提携。\n\n日本の市場は大きい。\n\n日本とNscaleの話。\n"
FAR = "日本の話。\n\n日本と米国。\n"
POSTS = {
    f"2025-0{n}-01-p.md": f"---\ntitle: 記事{n}\ndate: 2025-0{n}-01\n---\n"
    + (CLOSE if n <= 3 else FAR)
    for n in range(1, 7)
}
hubbed = index_fixture("hubbed", POSTS)


def test_named_with_ranks_by_association_not_raw_counts(hubbed):
    partners = entity_profile(hubbed, "Nscale").co_mentions
    assert [p["name"] for p in partners[:2]] == ["Aker", "日本"]
    assert partners[0]["jaccard"] == 0.5 and partners[0]["passages"] == 3
    assert partners[1]["jaccard"] == 0.4 and partners[1]["passages"] == 6


def test_ego_network_and_edge_figures(hubbed):
    net = network(hubbed, load_rates(), entity="nscale", top=5)
    assert [node.name for node in net.nodes][:3] == ["Nscale", "Aker", "日本"]
    edge = next(e for e in net.edges if {e.source, e.target} == {"nscale", "aker"})
    assert (edge.kind, edge.weight, edge.jaccard, edge.posts) == ("co", 3, 0.5, 3)
    assert (edge.first_date, edge.last_date) == ("2025-01-01", "2025-03-01")
    paths = with_paths(hubbed, net).edges[net.edges.index(edge)].paths
    assert paths == ["2025-03-01-p.md", "2025-02-01-p.md", "2025-01-01-p.md"]
    # --min-weight drops the pair; --since keeps only the later posts
    assert not network(hubbed, load_rates(), entity="nscale", min_weight=4).edges[1:]
    later = network(hubbed, load_rates(), since="2025-04-01")
    assert "nscale" not in {node.id for node in later.nodes}


def test_a_date_range_counts_from_the_passages_as_the_index_does(bundled):
    # with dates the pairs are counted from a pass over the mentions; without,
    # from the index's pair table: over the whole range they agree
    whole = network(bundled, load_rates(), top=20)
    ranged = network(bundled, load_rates(), top=20, since="2000-01-01")
    assert whole.nodes == ranged.nodes
    assert sorted(whole.edges) == sorted(ranged.edges) and len(whole.edges) > 20


def test_bad_options_are_errors(hubbed):
    for options in ({"depth": 3}, {"edges": "both"}, {"types": ("company",)}):
        with pytest.raises(AiresearchError):
            network(hubbed, load_rates(), **options)


def test_money_flows_on_the_bundled_posts(bundled):
    net = network(bundled, load_rates(), edges="money")
    flows = {(e.source, e.target): e for e in net.edges}
    assert flows["nvidia", "nscale"].usd == pytest.approx(683_000_000)
    assert ("nscale", "stargate") in flows
    assert all(e.kind == "money" for e in net.edges)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gexf_and_graphml_read_back_the_same_graph(bundled, fmt):
    graph = to_graph(with_paths(bundled, network(bundled, load_rates())))
    text = export(graph, fmt)
    read = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(io.StringIO(text))
    assert set(read.nodes) == set(graph.nodes)

    def edges(g):
        return sorted(
            (s, t, d["kind"], float(d["weight"])) for s, t, d in g.edges(data=True)
        )

    assert edges(read) == edges(graph) and len(graph.edges) > 10
    for key, data in graph.nodes(data=True):
        assert read.nodes[key]["type"] == data["type"]
        assert int(read.nodes[key]["mentions"]) == data["mentions"]
    if fmt == "gexf":  # Gephi's timeline: each node's span of dates
        assert 'timeformat="date"' in text and 'start="2025-09-19"' in text


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pyparsing, in pydot
def test_dot_cytoscape_and_json(bundled):
    import pydot

    graph = to_graph(with_paths(bundled, network(bundled, load_rates())))
    (dot,) = pydot.graph_from_dot_data(export(graph, "dot"))
    assert len(dot.get_nodes()) == graph.number_of_nodes()
    cyto = json.loads(export(graph, "cytoscape"))
    assert len(cyto["elements"]["nodes"]) == graph.number_of_nodes()
    data = json.loads(export(graph, "json"))
    assert set(data) == {"nodes", "edges", "communities"}
    assert set(data["nodes"][0]) == {
        "id", "name", "type", "mentions", "posts", "first_date", "last_date",
        "community", "degree", "centrality", "betweenness",
    }  # fmt: skip
    assert set(data["edges"][0]) == {
        "source", "target", "kind", "weight", "jaccard", "pmi", "usd", "posts",
        "first_date", "last_date", "paths", "action",
    }  # fmt: skip
    members = [name for c in data["communities"] for name in c["members"]]
    assert sorted(members) == sorted(node["name"] for node in data["nodes"])
    assert as_data(graph) == data


def test_graph_command(bundled_index, tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    corpus, index = bundled_index
    where = ["--corpus", str(corpus), "--index", str(index)]
    runner = CliRunner()
    target = tmp_path / "net.gexf"
    wrote = runner.invoke(app, ["graph", "-o", str(target), *where])
    assert wrote.exit_code == 0, wrote.output
    assert nx.read_gexf(target).number_of_nodes() > 5  # format from the suffix
    ego = runner.invoke(app, ["graph", "--entity", "Nscale", *where])
    assert ego.exit_code == 0 and "money in" in ego.stdout and "NVIDIA" in ego.stdout
    assert "\x1b[" not in ego.stdout
    whole = runner.invoke(app, ["graph", "--top", "10", *where])
    assert "community" in whole.stdout and "centrality" in whole.stdout
    empty = runner.invoke(app, ["graph", "--since", "2030-01-01", *where])
    assert empty.exit_code == 1
    bad = runner.invoke(app, ["graph", "--depth", "3", *where])
    assert bad.exit_code == 2 and "--depth" in bad.stderr


def test_graph_json_without_typer_gives_what_typer_gives(bundled_index):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    from .test_cli import run_cli

    corpus, index = bundled_index
    where = ["--corpus", str(corpus), "--index", str(index)]
    for extra in ([], ["--entity", "Nscale", "--depth", "2", "--type", "org"]):
        fast = run_cli("graph", *where, *extra, "--json")
        slow = CliRunner().invoke(app, ["graph", *where, *extra, "--json"])
        assert fast.returncode == slow.exit_code == 0, fast.stderr
        assert json.loads(fast.stdout) == json.loads(slow.stdout)


def test_money_ego_view_holds_only_money_partners(bundled):
    net = network(bundled, load_rates(), entity="Nscale", edges="money")
    assert {node.name for node in net.nodes} == {"Nscale", "NVIDIA", "Stargate"}
    assert {e.kind for e in net.edges} == {"money"}


# One deal told by two posts (the blog retells news), and another deal: every
# money total counts each deal once and says how many posts told it.
TOLD_TWICE = "MetaはEssilorLuxotticaに35億ドルを投資した。\n"
RETOLD = {
    "2025-07-01-a.md": "---\ntitle: 甲\ndate: 2025-07-01\n---\n" + TOLD_TWICE,
    "2025-07-08-b.md": "---\ntitle: 乙\ndate: 2025-07-08\n---\n"
    "先週の話の続き。" + TOLD_TWICE,
    "2025-08-01-c.md": "---\ntitle: 丙\ndate: 2025-08-01\n---\n"
    "MetaはEssilorLuxotticaに10億ユーロを追加で投資した。\n",
}
retold = index_fixture("retold", RETOLD)


def test_a_deal_told_by_two_posts_counts_once_in_every_total(retold):
    from airesearch.queries.deals import deals, entity_deal_totals, totals
    from airesearch.research.briefs import brief

    rates = load_rates()
    net = network(retold, rates, edges="money")
    (edge,) = [e for e in net.edges if e.kind == "money"]
    euros = 1e9 / rates["EUR"]
    assert (edge.weight, edge.posts) == (2, 3)
    assert edge.usd == pytest.approx(3.5e9 + euros, abs=1)
    count, usd = entity_deal_totals(retold, rates)["meta"]
    assert count == 2 and usd == pytest.approx(3.5e9 + euros, abs=1)
    (flow,) = brief(retold, "Meta", rates).money
    assert (flow["figures"], flow["posts"]) == (2, 3)
    assert flow["usd"] == pytest.approx(3.5e9 + euros, abs=1)
    footer = {row["currency"]: row for row in totals(deals(retold, rates, top=0))}
    assert footer["USD"]["count"] == 1 and footer["USD"]["total"] == 3.5e9
    listed = deals(retold, rates, top=0, currency="USD")
    assert [(d.posts, d.pairs) for d in listed] == [(2, [["Meta", "EssilorLuxottica"]])]
