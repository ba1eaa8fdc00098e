"""The labels file: moderator-labelled comments as CSV or JSON Lines, written and read back.

One record per comment: its latest human decision, with the labels that decision implies
(``service.domain.labels.decision_labels``). Reading validates the whole file and reports every bad
row by line number before anything is written. Label values are derived, so on the way back in
they are only checked for form (0, 1 or empty): decision and reasons are what an import records.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path
from typing import Any

from service.domain import Decision, Reason
from service.domain.labels import LABELS, LabelRecord, decision_labels
from service.errors import CommentDeskError

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
LABEL_COLUMNS = {f"label_{label}": label for label in LABELS}
FIELDS = ("comment_id", "site_id", "article_id", "body", "decision", "reasons")
TAIL_FIELDS = ("moderator", "decided_at", "action_id")
CSV_COLUMNS = (*FIELDS, *LABEL_COLUMNS, *TAIL_FIELDS)
JSON_KEYS = frozenset((*FIELDS, "labels", *TAIL_FIELDS))
REQUIRED = ("comment_id", "decision", "moderator")
REASON_SEPARATOR = ";"
IMPORT_PREFIX = "import:"
ACTOR_MAX = 200  # moderation_actions.actor
MAX_SHOWN = 50  # problems listed in the error message; the rest are counted

_REASON = re.compile(r"[A-Za-z0-9_.:-]{1,32}")
_DECISION_OF = {d.status: d for d in Decision}


class LabelFileError(CommentDeskError):
    """A labels file that cannot be imported; nothing was written."""

    code = "invalid-label-file"
    status = 422
    title = "Invalid labels file"

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = "\n".join(problems[:MAX_SHOWN])
        more = len(problems) - MAX_SHOWN
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"{source}: nothing imported, {len(problems)} problem(s):\n{shown}{tail}")
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class LabelRow:
    """One validated row of a labels file."""

    line: int
    comment_id: str
    decision: Decision
    reasons: tuple[str, ...]
    moderator: str
    decided_at: str | None = None
    action_id: str | None = None

    @property
    def actor(self) -> str:
        """Who the imported decision is recorded as: the file's moderator, marked imported."""
        prefixed = self.moderator.startswith(IMPORT_PREFIX)
        return self.moderator if prefixed else IMPORT_PREFIX + self.moderator


# -- writing ------------------------------------------------------------------------------------


def record_values(record: LabelRecord) -> dict[str, Any]:
    """A record as one JSON Lines object."""
    decision = _DECISION_OF.get(record.status)
    return {
        "comment_id": record.comment_id,
        "site_id": record.site_id,
        "article_id": record.article_id,
        "body": record.body,
        "decision": decision.value if decision else record.status.value,
        "reasons": list(record.reasons),
        "labels": decision_labels(record.status, record.reasons),
        "moderator": record.moderator,
        "decided_at": record.decided_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "action_id": record.action_id,
    }


def header(file_format: str) -> str:
    """What the file starts with: the CSV header row, nothing for JSON Lines."""
    return _csv_line(CSV_COLUMNS) if file_format == "csv" else ""


def encode(record: LabelRecord, file_format: str) -> str:
    """One record as a line (a CSV record may span lines: bodies keep their newlines)."""
    values = record_values(record)
    if file_format == "jsonl":
        return json.dumps(values) + "\n"
    labels = values.pop("labels")
    values["reasons"] = REASON_SEPARATOR.join(values["reasons"])
    values.update({column: labels[label] for column, label in LABEL_COLUMNS.items()})
    return _csv_line(["" if values[c] is None else values[c] for c in CSV_COLUMNS])


def _csv_line(values: Any) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


# -- reading ------------------------------------------------------------------------------------


def read_label_file(path: Path) -> list[LabelRow]:
    """Every row of a ``.csv`` or ``.jsonl`` labels file; LabelFileError lists all problems."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in MEDIA_TYPES:
        raise LabelFileError(str(path), ["the file name must end in .csv or .jsonl"])
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet may have added a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelFileError(str(path), [f"cannot read it: {exc}"]) from exc
    problems: list[str] = []
    objects = _csv_objects(text, problems) if suffix == "csv" else _jsonl_objects(text, problems)
    rows = [row for line, values in objects if (row := _row(line, values, problems))]
    _check_unique(rows, problems)
    if problems:
        raise LabelFileError(str(path), problems)
    return rows


def _csv_objects(text: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = list(reader.fieldnames or [])
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing:
        problems.append(f"line 1: unknown columns {unknown}, missing columns {missing}")
        return []
    objects, start = [], reader.line_num + 1
    try:
        for record in reader:
            if None in record:
                problems.append(f"line {start}: more values than columns")
            else:
                objects.append((start, _from_csv(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    return objects


def _from_csv(record: Mapping[str, str | None]) -> dict[str, Any]:
    values: dict[str, Any] = {k: v or None for k, v in record.items() if k in JSON_KEYS}
    reasons = values.get("reasons")
    values["reasons"] = reasons.split(REASON_SEPARATOR) if reasons else []
    values["labels"] = {
        label: _csv_label(record.get(column)) for column, label in LABEL_COLUMNS.items()
    }
    return values


def _csv_label(raw: str | None) -> Any:
    return {"": None, None: None, "0": 0, "1": 1}.get(raw.strip() if raw else raw, raw)


def _jsonl_objects(text: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    objects = []
    # split("\n"), not splitlines(): that would also split at U+2028 inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            problems.append(f"line {number}: not JSON ({exc})")
            continue
        if not isinstance(value, dict):
            problems.append(f"line {number}: not a JSON object")
        elif unknown := sorted(set(value) - JSON_KEYS):
            problems.append(f"line {number}: unknown keys {unknown}")
        else:
            objects.append((number, value))
    return objects


def _row(line: int, values: Mapping[str, Any], problems: list[str]) -> LabelRow | None:
    errors: list[str] = []
    comment_id = _text(values, "comment_id", 36, errors)
    moderator = _text(values, "moderator", ACTOR_MAX - len(IMPORT_PREFIX), errors)
    decision = _decision(values.get("decision"), errors)
    reasons = _reasons(values.get("reasons"), errors)
    _check_labels(values.get("labels"), errors)
    problems.extend(f"line {line}: {error}" for error in errors)
    if errors or decision is None or reasons is None:
        return None
    return LabelRow(
        line, comment_id, decision, reasons, moderator,
        _optional(values.get("decided_at")), _optional(values.get("action_id")),
    )  # fmt: skip


def _text(values: Mapping[str, Any], name: str, max_length: int, errors: list[str]) -> str:
    value = values.get(name)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{name} is required")
        return ""
    if len(value) > max_length:
        errors.append(f"{name} must be at most {max_length} characters")
    return value


def _decision(value: Any, errors: list[str]) -> Decision | None:
    try:
        return Decision(value)
    except ValueError:
        choices = ", ".join(d.value for d in Decision)
        errors.append(f"decision must be one of {choices} (got {value!r})")
        return None


def _reasons(value: Any, errors: list[str]) -> tuple[str, ...] | None:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        errors.append("reasons must be a list of reason codes")
        return None
    bad = [r for r in value if not _REASON.fullmatch(r)]
    if bad:
        errors.append(f"reasons {bad} are not reason codes (letters, digits, _.:-, at most 32)")
        return None
    # As a moderator's decision without a reason records it (Moderation.decide).
    return tuple(value) or (Reason.MODERATOR.value,)


def _check_labels(value: Any, errors: list[str]) -> None:
    # Labels follow from decision and reasons, so they are not read, only checked for form:
    # after an edit of the decision, the old label cells would otherwise contradict it.
    if value is None:
        return
    if not isinstance(value, dict) or not set(value) <= set(LABELS):
        errors.append(f"labels must be an object with keys among {list(LABELS)}")
        return
    for label, given in value.items():
        if given is not None and (type(given) is not int or given not in (0, 1)):
            errors.append(f"label {label} must be 0, 1 or empty (got {given!r})")


def _optional(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _check_unique(rows: list[LabelRow], problems: list[str]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if row.comment_id in first:
            problems.append(
                f"line {row.line}: comment {row.comment_id} again (first on line "
                f"{first[row.comment_id]})"
            )
        first.setdefault(row.comment_id, row.line)
