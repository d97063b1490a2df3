"""Communities of the citation graph: documents that cite one another more than they cite the rest.

networkx's Louvain method on the undirected citations (seeded, so a graph always gets the same communities).
Communities are numbered by size, largest first; a document that neither cites nor is cited is in none (-1).
graph.html lays communities out apart and can colour by them; each is named by its most-cited document.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

SEED = 7


@dataclass(frozen=True)
class Community:
    number: int
    members: tuple[str, ...]
    landmark: str  # its most-cited document

    @property
    def size(self) -> int:
        return len(self.members)


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The citations as a simple undirected graph (no self-citations), every node kept."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes())
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def communities(graph: nx.MultiDiGraph, simple: nx.Graph | None = None) -> list[Community]:
    """The graph's communities, largest first; unconnected documents are left out."""
    simple = simple if simple is not None else undirected(graph)
    connected = simple.subgraph([n for n in simple if simple.degree(n)])
    if connected.number_of_edges() == 0:
        return []
    cited = {n: graph.in_degree(n) for n in connected}
    found = nx.community.louvain_communities(connected, seed=SEED)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    out = []
    for number, members in enumerate(ordered):
        ranked = tuple(sorted(members, key=lambda n: (-cited[n], n)))
        out.append(Community(number, ranked, ranked[0]))
    return out


def membership(found: list[Community]) -> dict[str, int]:
    return {node: c.number for c in found for node in c.members}
