from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "corpus" / "819-SKHCN.txt"


def load_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def sample_text() -> str:
    from pipeline.process import prepare

    return prepare(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> Path:
    """The demo archive (corpus/) built once for the session."""
    from pipeline.batch import run

    out = tmp_path_factory.mktemp("archive")
    summary = run([str(ROOT / "corpus")], out)
    assert summary.failed == 0
    return out


@pytest.fixture()
def demo_conn(demo_archive):
    from pipeline.archive import store

    conn = store.connect(demo_archive, readonly=True)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def web_client(demo_archive):
    from starlette.testclient import TestClient

    from pipeline.web import create_app

    with TestClient(create_app(demo_archive), raise_server_exceptions=False) as client:
        yield client


# Fuzzing budgets: `make test` runs the bounded "ci" profile; `make fuzz` the long one (HYPOTHESIS_PROFILE=fuzz).
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import HealthCheck, settings

    quiet = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
    settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=quiet)
    settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=quiet)
    settings.register_profile("medium", max_examples=500, deadline=None, suppress_health_check=quiet)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_hypothesis_profiles()
