from pipeline.api import Archive


def test_archive_api_returns_dataframes(demo_archive):
    archive = Archive(demo_archive)
    citers = archive.cited_by("Plan 58")
    assert "819/SKHCN-BCVT&CĐS" in set(citers["symbol"])
    assert {"matched", "relation", "source", "snippet"} <= set(citers.columns)
    top = archive.most_cited(3)
    assert top.iloc[0]["symbol"] == "57-NQ/TW" and top.iloc[0]["cited_by"] >= 10
    assert len(archive.cites("819/SKHCN-BCVT&CĐS")) == 10
    graph = archive.graph()
    assert len(archive.matches("58/KH-UBND")) == 2
    assert graph.number_of_nodes() == archive.conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
    assert not archive.search("ke hoach 58").empty
