"""check_labels_csv: what a training request's labels CSV must be, refused as a 422 otherwise."""

from __future__ import annotations

import pytest

from service.errors import ValidationError
from service.lifecycle import check_labels_csv


def test_a_good_file_counts_its_rows() -> None:
    assert check_labels_csv("text,spam\nhello,0\nbuy now,1\r\n", "/extra_labels_csv") == 2


@pytest.mark.parametrize(
    "text",
    [
        "\r\U0001f60d\u00bc\u0110r",  # found by Schemathesis: a 500 from the csv module
        "a,b\n1,2\n",
        "text,spam\nhello,2\n",
    ],
)
def test_anything_else_is_a_validation_error(text: str) -> None:
    with pytest.raises(ValidationError):
        check_labels_csv(text, "/extra_labels_csv")
