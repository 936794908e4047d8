"""Shared helpers: the repository's paths and the `impasse` CLI to compare against."""

import json
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data"
REPO = HERE.parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))
GENIUS = REPO / "crates" / "impasse-format" / "tests" / "data" / "genius"
GENIUS_DOMAINS = [GENIUS / "y2012" / "CameraB", GENIUS / "y2012" / "LaptopC",
                  GENIUS / "y2011" / "Laptop", GENIUS / "y2010" / "ItexvsCypress"]


def cli_path() -> pathlib.Path:
    """The CLI built from this checkout: $IMPASSE_BIN, else target/debug/impasse."""
    if "IMPASSE_BIN" in os.environ:
        return pathlib.Path(os.environ["IMPASSE_BIN"])
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "impasse"


@pytest.fixture(scope="session")
def cli():
    """Runs `impasse ARGS --format json` and returns the decoded JSON."""
    binary = cli_path()
    assert binary.exists(), (
        f"{binary} is missing: build it with `cargo build -p impasse-cli` or set IMPASSE_BIN")

    def run(*args):
        out = subprocess.run([str(binary), *map(str, args), "--format", "json"],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    return run
