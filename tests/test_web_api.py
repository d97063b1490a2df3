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
    assert {"200", "400"} <= set(query["responses"])
    assert "404" in spec["paths"]["/api/neighbourhood"]["get"]["responses"]
