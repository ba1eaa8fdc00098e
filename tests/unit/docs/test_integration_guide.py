"""The signature verification code in docs/integration.md works, in Python and in Node.js."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from service.webhooks.signing import new_secret, signature_headers

GUIDE = Path(__file__).parents[3] / "docs" / "integration.md"


def _block(language: str) -> str:
    found = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    [code] = [c for c in found if "verify" in c.lower()]
    return str(code)


def _cases() -> list[tuple[str, dict[str, str], bytes, bool]]:
    secret, other = new_secret(), new_secret()
    body = b'{"id":"evt_1","type":"comment.decided"}'
    now = int(time.time())
    good = signature_headers([secret], "evt_1", now, body)
    rotated = signature_headers([other, secret], "evt_1", now, body)
    old = signature_headers([secret], "evt_1", now - 600, body)
    return [
        (secret, good, body, True),
        (secret, rotated, body, True),
        (secret, good, body + b" ", False),
        (other, good, body, False),
        (secret, old, body, False),
        (secret, {}, body, False),
    ]


def test_the_python_verifier_in_the_guide() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_block("python"), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own docs
    verify = namespace["verify_webhook"]

    assert [verify(s, h, b) for s, h, b, _ in _cases()] == [ok for *_, ok in _cases()]


def test_the_javascript_verifier_in_the_guide(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    cases = [{"secret": s, "headers": h, "body": b.decode(), "ok": ok} for s, h, b, ok in _cases()]
    (tmp_path / "verify.js").write_text(_block("javascript"), encoding="utf-8")
    script = (
        "const { verifyWebhook } = require('./verify.js');\n"
        f"const cases = {json.dumps(cases)};\n"
        "console.log(JSON.stringify(cases.map((c) => "
        "verifyWebhook(c.secret, c.headers, Buffer.from(c.body)))));\n"
    )
    (tmp_path / "run.js").write_text(script, encoding="utf-8")

    done = subprocess.run(
        [node, "run.js"], cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True
    )

    assert json.loads(done.stdout) == [c["ok"] for c in cases]
