"""`vanban serve`, the archive's web face: the app and its pages (`app`: search, document, graph), their views
(`search`, `document`), the JSON API (`api`), scan page images and archived files (`images`), who may come in and
what is logged (`access`), the response headers (`headers`), the archive opened per request (`reader`), and serving
it (`server`).

The app and the server are imported when first asked for (`pipeline.web.create_app`): a command that needs only the
interface's language (`i18n`) or graph.html's labels (`graph_labels`) does not load Starlette and the whole app
(0.4 s of every `vanban run`)."""

from importlib import import_module
from typing import Any

_LAZY = {"create_app": "app", "Archive": "reader", "guarded_app": "server", "serve": "server", "serving": "server"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
