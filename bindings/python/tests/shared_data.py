"""Where the Python tests find the project and the official data beside it: ../shared next to the
project root, or the folder SANTEI_SHARED names. One locator for every test module, as the
test-data crate is for the Rust tests. A test that needs the data fails (never skips) when it is
missing: `require` says which path and how to provide it."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = pathlib.Path(os.environ.get("SANTEI_SHARED", ROOT.parent / "shared"))
MASTERS = SHARED / "masters"


def require(path: pathlib.Path, what: str = "the official data") -> pathlib.Path:
    """`path`, asserted to exist; the failure names it and where ../shared must be."""
    assert path.exists(), (
        f"{what} is missing: {path} "
        "(../shared must sit beside the project root, or set SANTEI_SHARED)"
    )
    return path
