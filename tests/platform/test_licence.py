"""The project declares one licence: LICENSE at the root, the same SPDX expression in every
pyproject.toml (PEP 639), and in every service's OpenAPI `info.license`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from nic_shared.openapi import LICENSE as OPENAPI_LICENSE

ROOT = Path(__file__).resolve().parents[2]


def test_every_pyproject_declares_the_licence_in_license():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    projects = [ROOT / "pyproject.toml", ROOT / "shared" / "pyproject.toml"]
    projects += sorted((ROOT / "services").glob("*/pyproject.toml"))
    assert len(projects) >= 7
    declared = {}
    for path in projects:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        declared[str(path.relative_to(ROOT))] = data["project"].get("license")
        requires = data.get("build-system", {}).get("requires", [])
        assert all(r != "setuptools>=68" for r in requires), path  # PEP 639 needs >= 77
    assert set(declared.values()) == {"MIT"}, declared
    assert OPENAPI_LICENSE["identifier"] == "MIT"
