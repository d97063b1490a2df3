"""What every response of the web face carries: a content security policy that forbids scripts it did not bring
(document text is untrusted), no sniffing, no referrer."""

from __future__ import annotations

from starlette.responses import Response

PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")
GRAPH_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")


def secure(response: Response, policy: str = PAGE_POLICY) -> Response:
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
