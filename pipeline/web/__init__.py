"""`vanban serve`, the archive's web face: the app and its pages (`app`: search, document, graph), their views
(`search`, `document`), the JSON API (`api`), scan page images and archived files (`images`), who may come in and
what is logged (`access`), the response headers (`headers`), the archive opened per request (`reader`), and serving
it (`server`)."""

from .app import create_app  # noqa: F401
from .reader import Archive  # noqa: F401
from .server import guarded_app, serve, serving  # noqa: F401
