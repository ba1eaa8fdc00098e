"""The workspace's HTML pages: small static shells that load the team's ES modules.

Every page asks for a signed-in session (else 303 to the sign-in form) and the ops pages for the
``ops`` role (a moderator gets a 403 page). The shells carry no user data: the scripts fetch
``GET /v1/session`` for the name, role and CSRF token, and everything else from the API.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from string import Template
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from service.domain import Role
from service.http.web.sessions import session_user

WEB_DIR = Path(__file__).parent
TEMPLATES = WEB_DIR / "templates"
STATIC = WEB_DIR / "static"

# path → (page title, body template, script module, whether only ops may see it)
PAGES: dict[str, tuple[str, str, str, bool]] = {
    "/ui/": ("Queues", "workspace.html", "workspace.js", False),
    "/ui/appeals": ("Appeals", "appeals.html", "appeals.js", False),
    "/ui/ops/models": ("Models", "models.html", "models.js", True),
    "/ui/ops/audit": ("Audit log", "audit.html", "audit.js", True),
    "/ui/ops/stats": ("Statistics", "stats.html", "stats.js", True),
    "/ui/ops/webhooks": ("Webhooks", "webhooks.html", "webhooks.js", True),
    "/ui/ops/watched-words": ("Watched words", "watched.html", "watched.js", True),
}


# `import { … } from "./name.js";` in the team's modules (relative imports only, by convention).
_IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s+"\./([\w.-]+\.js)";', re.MULTILINE | re.DOTALL)


@cache
def module_dependencies(script: str) -> tuple[str, ...]:
    """Every module ``script`` imports, directly or not, in first-seen order."""
    found: list[str] = []
    pending = [script]
    while pending:
        source = (STATIC / pending.pop(0)).read_text(encoding="utf-8")
        for name in _IMPORT.findall(source):
            if name != script and name not in found:
                found.append(name)
                pending.append(name)
    return tuple(found)


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def render_page(title: str, body: str, script: str | None) -> str:
    """The shared layout around one page's body; ``script`` is a module in /ui/static/."""
    module = ""
    if script:
        # Preloading the whole import graph fetches it in one round, not one round per level.
        preloads = "".join(
            f'<link rel="modulepreload" href="/ui/static/{quote(name)}">\n'
            for name in module_dependencies(script)
        )
        module = f'{preloads}<script type="module" src="/ui/static/{quote(script)}"></script>'
    return _template("layout.html").substitute(title=html.escape(title), body=body, script=module)


async def show_page(request: Request) -> Response:
    """One workspace page, or a redirect to sign in, or a 403 page for a moderator on ops."""
    title, body, script, ops_only = PAGES[request.url.path]
    user = await session_user(request)
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = quote(path, safe="")
        return RedirectResponse(f"/ui/login?next={target}", status_code=303)
    if ops_only and user.role is not Role.OPS:
        forbidden = _template("forbidden.html").substitute(role=html.escape(user.role.value))
        return HTMLResponse(render_page("Not allowed", forbidden, None), status_code=403)
    content = render_page(title, _template(body).template, script)
    return HTMLResponse(content, headers={"Cache-Control": "no-store"})


def page_routes() -> list[BaseRoute]:
    """The pages and the static files they load, mounted under ``/ui`` (``/ui`` itself is
    redirected to ``/ui/`` by the router; OpenAPI lists only the API's own routes)."""
    pages: list[BaseRoute] = [
        Route(path.removeprefix("/ui"), show_page, methods=["GET"]) for path in PAGES
    ]
    static = Mount("/static", app=StaticFiles(directory=STATIC), name="static")
    return [Mount("/ui", routes=[*pages, static])]
