"""The entity network as a networkx graph: communities (Louvain), centrality
(eigenvector, betweenness, degree) and the file formats people open networks
in (GEXF for Gephi, GraphML, DOT for Graphviz, Cytoscape.js JSON). The only
module that imports networkx, and only `graph` imports it.

The graph is a MultiDiGraph keyed by entity key: a co-mention edge goes from
the smaller key to the larger with kind "co" (it has no direction), a money
edge from payer to payee with kind "money", an event edge from actor to
object with kind "event", its action and its day (start = end, for Gephi's
timeline). Attributes that have no value are left out (GEXF and GraphML have
no null); the paths of an edge are one string, "; "-separated.
"""

from __future__ import annotations

import io
import json

import networkx as nx

from airesearch.models import Network


def to_graph(net: Network) -> nx.MultiDiGraph:
    """The network with each node's community, degree and PageRank."""
    graph = nx.MultiDiGraph()
    for node in net.nodes:
        graph.add_node(
            node.id,
            **present(
                label=node.name, type=node.type, mentions=node.mentions,
                posts=node.posts, start=node.first_date, end=node.last_date,
            ),
        )  # fmt: skip
    for edge in net.edges:
        # one edge per event: several events may join one pair
        key = edge.kind if edge.action is None else f"{edge.action} {edge.first_date}"
        graph.add_edge(
            edge.source, edge.target, key=key,
            **present(
                kind=edge.kind, weight=edge.weight, jaccard=edge.jaccard,
                pmi=edge.pmi, usd=edge.usd, posts=edge.posts,
                start=edge.first_date, end=edge.last_date,
                paths="; ".join(edge.paths), action=edge.action,
            ),
        )  # fmt: skip
    add_measures(graph)
    return graph


def present(**values) -> dict:
    return {name: value for name, value in values.items() if value not in (None, "")}


def add_measures(graph: nx.MultiDiGraph) -> None:
    """Louvain communities (numbered by size, largest 0) and eigenvector
    centrality over the undirected graph weighted by passages and figures (an
    entity is central when its partners are); betweenness: how often it lies on
    the shortest paths between others (a bridge); degree: neighbours. All pure
    Python in networkx (PageRank would need numpy)."""
    plain = nx.Graph()
    plain.add_nodes_from(graph)
    for source, target, data in graph.edges(data=True):
        weight = data.get("weight", 1)
        if plain.has_edge(source, target):
            plain[source][target]["weight"] += weight
        else:
            plain.add_edge(source, target, weight=weight)
    groups = nx.community.louvain_communities(plain, weight="weight", seed=2026)
    mentions = nx.get_node_attributes(graph, "mentions")
    groups = sorted(
        groups, key=lambda g: (-len(g), -sum(mentions.get(k, 0) for k in g))
    )
    try:
        central = nx.eigenvector_centrality(plain, max_iter=500, weight="weight")
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
        central = nx.degree_centrality(plain) if len(plain) > 1 else {}
    between = nx.betweenness_centrality(plain)
    for number, members in enumerate(groups):
        for key in members:
            graph.nodes[key]["community"] = number
    for key in graph:
        graph.nodes[key]["degree"] = plain.degree(key)
        graph.nodes[key]["centrality"] = round(central.get(key, 0.0), 5)
        graph.nodes[key]["betweenness"] = round(between.get(key, 0.0), 5)


def as_data(graph: nx.MultiDiGraph) -> dict:
    """The `--format json` document: nodes, edges and communities."""
    nodes = [
        {
            "id": key, "name": data["label"], "type": data["type"],
            "mentions": data.get("mentions", 0), "posts": data.get("posts", 0),
            "first_date": data.get("start"), "last_date": data.get("end"),
            "community": data["community"], "degree": data["degree"],
            "centrality": data["centrality"], "betweenness": data["betweenness"],
        }
        for key, data in graph.nodes(data=True)
    ]  # fmt: skip
    edges = [
        {
            "source": source, "target": target, "kind": data["kind"],
            "weight": data["weight"], "jaccard": data.get("jaccard"),
            "pmi": data.get("pmi"), "usd": data.get("usd"), "posts": data["posts"],
            "first_date": data.get("start"), "last_date": data.get("end"),
            "paths": data["paths"].split("; ") if data.get("paths") else [],
            "action": data.get("action"),
        }
        for source, target, data in graph.edges(data=True)
    ]  # fmt: skip
    communities: dict[int, list] = {}
    for node in sorted(nodes, key=lambda n: -n["mentions"]):
        communities.setdefault(node["community"], []).append(node["name"])
    return {
        "nodes": nodes,
        "edges": edges,
        "communities": [
            {"id": number, "members": members}
            for number, members in sorted(communities.items())
        ],
    }


def export(graph: nx.MultiDiGraph, fmt: str) -> str:
    """The graph in one of the file formats, as text."""
    if fmt == "json":
        return json.dumps(as_data(graph), ensure_ascii=False, indent=2) + "\n"
    if fmt == "cytoscape":
        return json.dumps(nx.cytoscape_data(graph), ensure_ascii=False) + "\n"
    if fmt == "dot":
        return nx.nx_pydot.to_pydot(graph).to_string()
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(graph, buffer)
    else:
        nx.write_graphml(graph, buffer)
    return buffer.getvalue().decode("utf-8")
