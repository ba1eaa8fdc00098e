"""The scoring benchmark's corpus and its two equivalent views of one model."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest

from bench import scoring
from bench.news_corpus import news_comments, template_pieces
from classifier.artifact import save_model
from classifier.model import TextModel
from classifier.ngrams import NgramTfidfVectorizer
from classifier.vectorizer import FoldedTfidfVectorizer


def test_news_comments_have_news_site_lengths() -> None:
    comments = news_comments(4000, seed=2, pieces=template_pieces(500, seed=2))
    lengths = [len(c) for c in comments]
    assert 220 <= statistics.median(lengths) <= 280
    assert 380 <= statistics.mean(lengths) <= 460
    assert max(lengths) > 3000
    assert comments == news_comments(4000, seed=2, pieces=template_pieces(500, seed=2))


def test_news_comments_need_pieces() -> None:
    with pytest.raises(ValueError, match="piece"):
        news_comments(1, seed=0, pieces=[])


@pytest.mark.parametrize("model_name", ["tiny_model", "legacy_model"])
def test_both_views_of_a_model_score_alike(model_name: str, request: pytest.FixtureRequest) -> None:
    model: TextModel = request.getfixturevalue(model_name)
    fast = scoring._with_views(model, scoring._to_ngrams)
    base = scoring._with_views(model, scoring._to_scikit_learn)
    views = dict(fast.features_.transformer_list), dict(base.features_.transformer_list)
    assert isinstance(views[0]["char"], NgramTfidfVectorizer)
    assert isinstance(views[1]["char"], FoldedTfidfVectorizer)
    texts = news_comments(50, seed=3, pieces=template_pieces(100, seed=3))
    assert np.allclose(fast.predict_proba(texts), base.predict_proba(texts), atol=1e-6)


def test_main_prints_every_stage_and_the_ratio(
    tiny_model: TextModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.skops"
    save_model(tiny_model, path)
    # 300 decisions, not the benchmark's 3,000: the site heads are fitted all the same (their
    # cost is what the benchmark measures, not what this test checks) in a tenth of the time.
    argv = ["--model", str(path), "--comments", "40", "--batch", "20", "--repeats", "1",
            "--site-decisions", "300"]  # fmt: skip
    assert scoring.main(argv) == 0
    out = capsys.readouterr().out
    for stage in (*scoring.STAGES, "total", "comments per CPU-second"):
        assert f"| {stage} |" in out


def test_main_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    assert scoring.main(["--data", str(tmp_path / "absent")]) == 2
