"""``commentdesk import-labels FILE``: moderator labels back in, in the export's format."""

from __future__ import annotations

import logging
from pathlib import Path

from service.db import open_engine, session_factory
from service.label_file import read_label_file
from service.labels import Labels
from service.settings import Settings

log = logging.getLogger(__name__)


def import_labels(settings: Settings, path: Path | str) -> int:
    """Import a labels file (``.csv`` or ``.jsonl``); returns how many decisions were recorded.

    The whole file is validated first: a bad row raises LabelFileError naming every bad line,
    and nothing is written. Then every decision is recorded in one transaction, as the file's
    moderator prefixed ``import:``. Comments that do not exist, and comments whose latest human
    decision is already the same, are skipped.
    """
    file = Path(path)
    rows = read_label_file(file)
    with open_engine(settings) as engine:
        result = Labels(session_factory(engine)).import_rows(rows, source=file.name)
    for row in result.missing:
        log.warning("%s line %d: no comment %s here, skipped", file.name, row.line, row.comment_id)
    log.info(
        "imported %d decision(s) from %s; %d already decided the same way, %d unknown comment(s)",
        result.recorded,
        file.name,
        result.unchanged,
        len(result.missing),
    )
    return result.recorded
