"""The import contract of the store names every use case, including ones added later."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import service

PYPROJECT = Path(__file__).parents[3] / "pyproject.toml"
# What the store may import: the values it returns, the tables it reads, the errors it raises
# and the author key it compares on. Everything else in service is above it.
STORE_STANDS_ON = {
    "service.domain",
    "service.models",
    "service.column_types",
    "service.errors",
    "service.identity",
}


def _contract(name: str) -> dict[str, Any]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (contract,) = (c for c in contracts if c["name"] == name)
    return dict(contract)


def test_the_store_contract_forbids_every_module_the_store_does_not_stand_on() -> None:
    modules = {f"service.{m.name}" for m in pkgutil.iter_modules(service.__path__)}
    forbidden = set(_contract("store never imports use cases")["forbidden_modules"])

    assert forbidden == modules - STORE_STANDS_ON - {"service.store"}
