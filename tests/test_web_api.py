"""The JSON API's HTTP statuses and its OpenAPI description (issue 25)."""


def test_api_errors_come_with_their_http_status(web_client):
    unknown_law = web_client.get("/api/query", params={"q": "what cites Luật Không Có Thật 1901"})
    assert unknown_law.status_code == 400
    assert unknown_law.json()["error"] and unknown_law.json()["answer"] is None
    assert web_client.get("/api/query", params={"q": "NQ 57", "offset": "-1"}).status_code == 400
    found = web_client.get("/api/query", params={"q": "what cites NQ 57"})
    assert found.status_code == 200 and found.json()["error"] is None
    missing = web_client.get("/api/neighbourhood", params={"id": "no-such-document"})
    assert missing.status_code == 404 and missing.json()["error"]


def test_openapi_description_is_served_and_names_every_api_route(web_client):
    response = web_client.get("/api/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    from pipeline.web.api import routes

    served = {route.path for route in routes(None)}
    assert served == set(spec["paths"])
    query = spec["paths"]["/api/query"]["get"]
    assert {p["name"] for p in query["parameters"]} == {"q", "limit", "offset"}
    for path in ("/api/texts", "/api/neighbourhood"):  # every list is paged
        assert {"limit", "offset"} <= {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
    assert {"200", "400"} <= set(query["responses"])
    assert "404" in spec["paths"]["/api/neighbourhood"]["get"]["responses"]


def test_every_list_has_its_total_and_pages(web_client):
    """The texts that hold a question's words and a document's citations: a total, and pages by limit and offset
    that together give the whole list once."""
    whole = web_client.get("/api/texts", params={"q": "kế hoạch", "limit": "200"}).json()
    assert whole["total"] == len(whole["texts"]) >= 4
    pages = []
    for offset in range(0, whole["total"], 3):
        page = web_client.get("/api/texts", params={"q": "ke hoach", "limit": "3", "offset": str(offset)}).json()
        assert page["total"] == whole["total"] and (page["limit"], page["offset"]) == (3, offset)
        pages += [t["id"] for t in page["texts"]]
    assert pages == [t["id"] for t in whole["texts"]]  # diacritics optional, the same order page by page
    assert web_client.get("/api/texts", params={"q": "ke hoach", "limit": "x"}).status_code == 400
    assert web_client.get("/api/query", params={"q": "kế hoạch"}).json()["texts_total"] == whole["total"]

    node = web_client.get("/api/query", params={"q": "what cites NQ 57"}).json()["answer"]["matches"][0]["id"]
    every = web_client.get("/api/neighbourhood", params={"id": node}).json()
    assert every["total"] == every["cited_by"] + every["cites"] == len(every["edges"]) >= 3 and every["complete"]
    first = web_client.get("/api/neighbourhood", params={"id": node, "limit": "2"}).json()
    rest = web_client.get("/api/neighbourhood", params={"id": node, "limit": "2", "offset": "2"}).json()
    assert not first["complete"] and first["total"] == every["total"]
    assert [e["data"]["id"] for e in first["edges"] + rest["edges"]] == \
        [e["data"]["id"] for e in every["edges"]][: len(first["edges"]) + len(rest["edges"])]
    assert web_client.get("/api/neighbourhood", params={"id": node, "offset": "-2"}).status_code == 400
