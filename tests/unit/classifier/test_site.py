"""The site head: learns a site's decisions on top of a prior, and nothing it was not taught."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.adaptation import SiteTrainer, time_split
from classifier.errors import TrainingError
from classifier.model import TextModel
from classifier.site import SiteModel

PROBE = "Everyone, the Orchid Harbor circle pays 30% weekly"
ORDINARY = "The report was really clear about the bond yields, thanks"


def test_site_model_learns_the_site_scam(tiny_model: TextModel, site_model: SiteModel) -> None:
    spam = tiny_model.labels.index("spam")
    before = tiny_model.predict_proba([PROBE])[0, spam]
    after = site_model.predict_proba([PROBE])[0, spam]
    assert after > 0.5 > before
    assert site_model.predict_proba([ORDINARY])[0, spam] < 0.5


def test_site_model_keeps_untaught_labels_exactly(
    tiny_model: TextModel, site_model: SiteModel
) -> None:
    toxic = tiny_model.labels.index("toxic")
    assert site_model.adapted_labels() == ("spam",)
    texts = [PROBE, ORDINARY, "you are a pathetic clown, go away"]
    assert np.allclose(
        site_model.predict_proba(texts)[:, toxic], tiny_model.predict_proba(texts)[:, toxic]
    )


def test_site_model_refuses_decisions_that_teach_nothing(tiny_model: TextModel) -> None:
    texts = [PROBE, ORDINARY, "another ordinary comment"]
    targets = [[1.0, np.nan], [0.0, np.nan], [0.0, np.nan]]
    with pytest.raises(TrainingError, match="decisions of each class"):
        SiteModel(tiny_model).fit(texts, targets)


def test_site_model_with_few_decisions_stays_close_to_the_prior(tiny_model: TextModel) -> None:
    # Five decisions each way that agree with the prior must not turn its ranking around.
    from tests.unit.classifier.conftest import HAM, SPAM

    texts = SPAM[:5] + HAM[:5]
    targets = [[1.0, np.nan]] * 5 + [[0.0, np.nan]] * 5
    model = SiteModel(tiny_model).fit(texts, targets)
    probes = SPAM[5:15] + HAM[5:15]
    spam = tiny_model.labels.index("spam")
    head, prior = model.predict_proba(probes)[:, spam], tiny_model.predict_proba(probes)[:, spam]
    assert np.corrcoef(head, prior)[0, 1] > 0.9
    assert head[:10].min() > head[10:].max()


def test_time_split_holds_out_the_newest_rows() -> None:
    assert (time_split(100).older, time_split(100).recent) == (80, 20)
    assert time_split(2).recent == 1
    assert time_split(1).recent == 0


def test_trainer_out_of_fold_never_scores_a_row_with_a_head_that_saw_it(
    tiny_model: TextModel, site_decisions: tuple[list[str], list[list[float]]]
) -> None:
    texts, targets = site_decisions
    trainer = SiteTrainer(tiny_model, texts, targets)
    spam = tiny_model.labels.index("spam")
    in_sample = trainer.fit().predict_proba(texts)[:, spam]  # type: ignore[union-attr]
    out_of_fold = trainer.out_of_fold()[:, spam]
    assert out_of_fold.shape == in_sample.shape
    # Scores from heads that never saw a row are less sure of it than the head fitted on it.
    scam = np.arange(len(texts)) < 18
    assert out_of_fold[scam].mean() < in_sample[scam].mean()
    assert not np.allclose(out_of_fold, in_sample)


def test_trainer_scores_like_the_model_it_fitted(
    tiny_model: TextModel, site_decisions: tuple[list[str], list[list[float]]]
) -> None:
    texts, targets = site_decisions
    trainer = SiteTrainer(tiny_model, texts, targets)
    model = trainer.fit()
    assert model is not None
    rows = np.arange(0, len(texts), 3)
    direct = model.predict_proba([texts[i] for i in rows])
    assert np.allclose(trainer.score(model, rows), direct)


def test_trainer_chooses_a_looser_penalty_when_the_site_pattern_is_clear(
    tiny_model: TextModel,
) -> None:
    from tests.unit.classifier.conftest import HAM, POLITE, SITE_SCAM

    texts = (SITE_SCAM + HAM + POLITE) * 3
    spam = [1.0] * len(SITE_SCAM) + [0.0] * (len(HAM) + len(POLITE))
    order = np.random.default_rng(0).permutation(len(texts))
    targets = [[spam[i % len(spam)], np.nan] for i in order]
    trainer = SiteTrainer(tiny_model, [texts[i] for i in order], targets)
    [(label, c)] = trainer.choose_c()
    assert label == "spam"
    assert c >= 3.0


def test_trainer_keeps_the_default_penalty_with_too_few_decisions(
    tiny_model: TextModel, site_decisions: tuple[list[str], list[list[float]]]
) -> None:
    texts, targets = site_decisions
    trainer = SiteTrainer(tiny_model, texts[:40], targets[:40])
    assert trainer.choose_c() == ()
