"""The HTTP API (Starlette). The only package of the service that imports starlette."""

from __future__ import annotations

from service.http.app import create_app

__all__ = ["create_app"]
