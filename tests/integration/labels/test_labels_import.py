"""import_labels: the export's format back in, validated whole, written in one transaction."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from commentdesk.labels import import_labels
from service.domain import ActionKind
from service.domain.queues import AuditFilter
from service.errors import StaleDecisionError
from service.label_file import CSV_COLUMNS, FIELDS, LabelFileError
from service.moderation import Moderation
from service.settings import Settings
from service.store import labels as labels_store
from tests.integration.http.conftest import Headers
from tests.integration.labels.conftest import TRICKY_BODY, Decided


def export(client: TestClient, ops: Headers, file_format: str) -> str:
    response = client.get("/v1/labels/export", params={"format": file_format}, headers=ops)
    assert response.status_code == 200, response.text
    return response.text


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def action_count(moderation: Moderation) -> int:
    return len(moderation.audit(AuditFilter(), None, 10_000).items)


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_import_of_an_unchanged_export_records_nothing(
    decided: Decided,
    client: TestClient,
    ops: Headers,
    settings: Settings,
    moderation: Moderation,
    tmp_path: Path,
    file_format: str,
) -> None:
    path = tmp_path / f"labels.{file_format}"
    path.write_text(export(client, ops, file_format), encoding="utf-8")
    before = action_count(moderation)

    assert import_labels(settings, path) == 0
    assert action_count(moderation) == before


def test_export_edit_import_round_trip(
    decided: Decided,
    client: TestClient,
    ops: Headers,
    settings: Settings,
    moderation: Moderation,
    tmp_path: Path,
) -> None:
    rows = {r["comment_id"]: r for r in read_csv(export(client, ops, "csv"))}
    approved, toxic = rows[decided.approved], rows[decided.rejected_toxic]
    approved.update(decision="spam", label_spam="1", label_toxic="")
    toxic.update(reasons="toxic;threat", label_threat="1")
    path = write_csv(tmp_path / "edited.csv", list(rows.values()))

    assert import_labels(settings, path) == 2

    after = {r["comment_id"]: r for r in read_csv(export(client, ops, "csv"))}
    for edited in (approved, toxic):
        again = after[edited["comment_id"]]
        assert {k: again[k] for k in FIELDS} == {k: edited[k] for k in FIELDS}
        assert again["moderator"] == "import:mod-ann"
    assert after[decided.approved]["label_spam"] == "1"
    assert after[decided.approved]["label_toxic"] == ""  # a spam decision says nothing of it
    assert after[decided.rejected_toxic]["label_threat"] == "1"
    assert after[decided.rejected_toxic]["body"] == TRICKY_BODY
    assert after[decided.spam] == rows[decided.spam]  # untouched rows export as before
    comment = moderation.get_comment(decided.approved)
    assert (comment.status.value, comment.reasons) == ("spam", ("moderator",))
    assert import_labels(settings, path) == 0  # idempotent: now decided identically


def test_import_records_a_decision_on_an_undecided_comment_and_skips_unknown_ones(
    decided: Decided, settings: Settings, moderation: Moderation, tmp_path: Path
) -> None:
    path = tmp_path / "new.jsonl"
    lines = [
        {"comment_id": decided.undecided, "decision": "reject", "reasons": ["threat"],
         "moderator": "mod-cy", "action_id": 77},
        {"comment_id": "not-a-comment-here", "decision": "approve", "moderator": "mod-cy"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    assert import_labels(settings, path) == 1

    (action,) = [
        a for a in moderation.moderation_view(decided.undecided).actions
        if a.kind is ActionKind.DECIDED
    ]  # fmt: skip
    assert (action.actor, action.reasons, action.to_status and action.to_status.value) == (
        "import:mod-cy",
        ("threat",),
        "rejected",
    )
    assert action.note == "imported from new.jsonl line 1; exported as action 77"


def test_import_rejects_a_malformed_csv_without_writing_anything(
    decided: Decided,
    client: TestClient,
    ops: Headers,
    settings: Settings,
    moderation: Moderation,
    tmp_path: Path,
) -> None:
    # In action order: line 1 header, 2 approved, 3-4 the two-line body, 5 spam, 6 overturned.
    rows = read_csv(export(client, ops, "csv"))
    assert [r["comment_id"] for r in rows][1:3] == [decided.rejected_toxic, decided.spam]
    rows[0].update(decision="reject", label_spam="0")  # a valid change, on line 2
    rows[2].update(decision="maybe")
    rows[3].update(moderator="", label_threat="2")
    rows.append(dict(rows[1]))  # the two-line row again, on lines 7-8
    path = write_csv(tmp_path / "bad.csv", rows)
    before = action_count(moderation)

    with pytest.raises(LabelFileError) as caught:
        import_labels(settings, path)

    assert caught.value.problems == [
        "line 5: decision must be one of approve, reject, spam (got 'maybe')",
        "line 6: moderator is required",
        "line 6: label threat must be 0, 1 or empty (got '2')",
        f"line 7: comment {decided.rejected_toxic} again (first on line 3)",
    ]
    assert "nothing imported, 4 problem(s)" in str(caught.value)
    assert action_count(moderation) == before  # not even the valid change on line 2
    assert moderation.get_comment(decided.approved).status.value == "approved"


def test_import_reports_jsonl_lines_that_are_not_objects(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"comment_id": "c", "decision": "approve", "moderator": "m"}\n\n[1]\n{nope\n')

    with pytest.raises(LabelFileError) as caught:
        import_labels(settings, path)

    assert [p.split(":")[0] for p in caught.value.problems] == ["line 3", "line 4"]


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("labels.txt", "", "must end in .csv or .jsonl"),
        ("labels.csv", "comment_id,decison,moderator\n", "unknown columns ['decison']"),
        ("labels.csv", "comment_id,decision,moderator\nc1,approve,m,extra\n", "line 2: more"),
    ],
)
def test_import_refuses_files_it_cannot_read(
    settings: Settings, tmp_path: Path, name: str, text: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(text)

    with pytest.raises(LabelFileError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        import_labels(settings, path)


def test_import_of_a_missing_file_is_a_plain_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(LabelFileError, match="cannot read it"):
        import_labels(settings, tmp_path / "nowhere.csv")


def test_import_is_all_or_nothing_when_a_decision_goes_stale(
    decided: Decided, settings: Settings, moderation: Moderation, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path = tmp_path / "two.jsonl"
    lines: list[dict[str, Any]] = [
        {"comment_id": decided.undecided, "decision": "approve", "moderator": "m"},
        {"comment_id": decided.spam, "decision": "approve", "moderator": "m"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    before = action_count(moderation)
    real = labels_store.current_decisions

    def stale(session: Any, ids: Any) -> Any:  # a moderator decides between read and write
        found = real(session, ids)
        spam = found[decided.spam]
        found[decided.spam] = type(spam)(spam.version - 1, spam.status, spam.reasons)
        return found

    monkeypatch.setattr(labels_store, "current_decisions", stale)

    with pytest.raises(StaleDecisionError):
        import_labels(settings, path)
    assert action_count(moderation) == before
