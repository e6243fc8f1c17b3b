"""Shared fixtures: the repository's parameters and demo data, and small file writers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from qualepref_analysis import load_params

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
PARAMS_DIR = ROOT / "params"


@pytest.fixture(scope="session")
def params():
    return load_params(PARAMS_DIR)


@pytest.fixture(scope="session")
def demo_review(tmp_path_factory) -> Path:
    """The folder of one whole review of the demo data (bilan, results.json, office files), shared by the
    modules that read what it wrote."""
    from qualepref_analysis.batch.review import run_review

    out = tmp_path_factory.mktemp("bilan")
    result = run_review(out_dir=out)
    assert not result.failed and not result.office_error, result.office_error
    return out


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo data folder."""
    target = tmp_path / "data"
    shutil.copytree(DEMO_DIR, target)
    return target


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def make_register(rows: list[tuple]) -> pd.DataFrame:
    """A typed ``correspondances`` frame from (id, site, type, canal, date_reception, date_reponse) tuples."""
    frame = pd.DataFrame(rows, columns=["id", "site", "type", "canal", "date_reception", "date_reponse"])
    for column in ("date_reception", "date_reponse"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
