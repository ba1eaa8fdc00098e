"""Workspace page shells: every module a page imports is preloaded in one round."""

from __future__ import annotations

import re

import pytest

from service.http.web.pages import PAGES, STATIC, module_dependencies, render_page


def imports_of(name: str) -> set[str]:
    return set(re.findall(r'from "\./([\w.-]+\.js)"', (STATIC / name).read_text()))


@pytest.mark.parametrize("script", sorted({script for _, _, script, _ in PAGES.values()}))
def test_page_preloads_its_whole_import_graph(script: str) -> None:
    expected: set[str] = set()
    frontier = imports_of(script)
    while frontier:  # a plain closure over the same files, independent of the parser under test
        expected |= frontier
        frontier = set().union(*(imports_of(n) for n in frontier)) - expected - {script}
    html = render_page("T", "<p>body</p>", script)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/ui/static/([\w.-]+)">', html))
    assert preloaded == set(module_dependencies(script)) == expected
    assert html.index('rel="modulepreload"') < html.index(f'src="/ui/static/{script}"')


def test_workspace_graph_reaches_the_card_module() -> None:
    assert "card.js" in module_dependencies("workspace.js")  # imported only indirectly
