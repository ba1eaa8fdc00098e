"""ASGI entry point for uvicorn: settings are read from the environment in the serving process."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from commentdesk.check import ChampionScorer
from service.http.app import create_app
from service.settings import Settings


def create() -> Starlette:
    """Build the app for uvicorn's ``--factory`` mode (one per API process)."""
    settings = Settings.from_env(os.environ)
    return create_app(settings, check_scorer=ChampionScorer(settings))
