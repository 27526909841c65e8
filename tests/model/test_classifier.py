"""The category model: the estimator contract, writer-disjoint folds, the served model as the average
of the fold models, calibration and operating points chosen out of fold."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone

from signals.model.classifier import CategoryModel
from signals.model.thresholds import threshold_for_precision


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n, d = 600, 40
    X = rng.random((n, d)) * (rng.random((n, d)) > 0.7)
    Y = np.column_stack([(X[:, 0] + X[:, 1] > 0.6).astype(int), (X[:, 2] > 0.5).astype(int)])
    groups = np.array([f"writer:{i % 6}" for i in range(n)])
    return sparse.csr_matrix(X), Y, groups


def test_estimator_contract(data):
    X, Y, groups = data
    model = CategoryModel(categories=("a", "b"), folds=3)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "coef_")                       # __init__ only stores parameters
    assert model.fit(X, Y, groups=groups) is model
    assert list(model.classes_) == ["a", "b"]
    assert model.coef_.shape == (X.shape[1], 2) and model.n_features_in_ == X.shape[1]
    proba = model.predict_proba(X)
    assert proba.shape == (X.shape[0], 2) and np.all((proba >= 0) & (proba <= 1))


def test_sample_weight_zero_means_unknown(data):
    X, Y, groups = data
    weights = np.ones(Y.shape)
    weights[:100, 1] = 0.0
    flipped = Y.copy()
    flipped[:100, 1] = 1 - flipped[:100, 1]                  # wrong labels, but unknown: must not matter
    a = CategoryModel(categories=("a", "b"), folds=3).fit(X, Y, weights, groups)
    b = CategoryModel(categories=("a", "b"), folds=3).fit(X, flipped, weights, groups)
    assert np.allclose(a.coef_[:, 1], b.coef_[:, 1])


def test_out_of_fold_scores_never_see_their_writer(data):
    """A feature that only one writer uses, perfectly predictive there, cannot help that writer's
    out-of-fold scores (its fold model never saw the writer)."""
    X, Y, groups = data
    leak = np.where(groups == "writer:0", Y[:, 0], 0).reshape(-1, 1) * 5.0
    X2 = sparse.hstack([X, sparse.csr_matrix(leak)], format="csr")
    model = CategoryModel(categories=("a", "b"), folds=6).fit(X2, Y, groups=groups)
    writer0 = groups == "writer:0"
    assert np.corrcoef(model.oof_decision_[writer0, 0], leak[writer0, 0])[0, 1] < 0.9


def test_the_served_model_is_the_average_of_the_fold_models(data):
    X, Y, groups = data
    model = CategoryModel(categories=("a", "b"), folds=3).fit(X, Y, groups=groups)
    # refit the folds by hand and average them
    from sklearn.model_selection import GroupKFold

    coefs = []
    for train, _ in GroupKFold(n_splits=3).split(np.zeros(len(Y)), groups=groups):
        coefs.append(model._classifier().fit(X[train], Y[train, 0]).coef_[0])
    assert np.allclose(model.coef_[:, 0], np.mean(coefs, axis=0), atol=1e-5)


def test_operating_points_reach_their_targets_out_of_fold(data):
    X, Y, groups = data
    model = CategoryModel(categories=("a", "b"), folds=3, precision_target=0.8, recall_target=0.9).fit(X, Y, groups=groups)
    points = model.operating_points_
    for c, name in enumerate(("a", "b")):
        flagged = model.oof_proba_[:, c] >= points.high_precision[name]
        assert Y[flagged, c].mean() >= 0.8 - 1e-9
        assert points.high_recall[name] <= points.high_precision[name]
        assert points.reached[name]["precision"] == pytest.approx(Y[flagged, c].mean())


def test_a_category_can_have_its_own_precision_target(data):
    X, Y, groups = data
    shared = CategoryModel(categories=("a", "b"), folds=3, precision_target=0.7).fit(X, Y, groups=groups)
    own = CategoryModel(categories=("a", "b"), folds=3, precision_target=0.7,
                        precision_targets={"b": 0.95}).fit(X, Y, groups=groups)
    assert own.operating_points_.precision_targets == {"a": 0.7, "b": 0.95}
    assert own.operating_points_.high_precision["a"] == shared.operating_points_.high_precision["a"]
    assert own.operating_points_.high_precision["b"] >= shared.operating_points_.high_precision["b"]
    assert own.operating_points_.high_precision["b"] == threshold_for_precision(Y[:, 1], own.oof_proba_[:, 1], 0.95)
    with pytest.raises(ValueError, match="unknown categories"):
        CategoryModel(categories=("a", "b"), folds=3, precision_targets={"c": 0.9}).fit(X, Y, groups=groups)


def test_wrong_number_of_label_columns_is_an_error(data):
    X, Y, groups = data
    with pytest.raises(ValueError, match="2 columns for 3 categories"):
        CategoryModel(categories=("a", "b", "c")).fit(X, Y, groups=groups)


def test_each_fold_model_is_the_fit_on_its_own_rows(data):
    # the folds fit on the whole X with the other rows weighted 0 (no copy of X per thread): the same
    # model as a fit on the fold's rows alone, with the fold's own balanced class weights
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    X, Y, groups = data
    weights = np.ones(Y.shape)
    unknown = (Y[:, 0] == 1) & (np.arange(len(Y)) % 2 == 0)   # half of a's positives unknown: out of its fits,
    weights[unknown, 0] = 0.0                                 # and out of its class balance
    model = CategoryModel(categories=("a", "b"), folds=3, tol=1e-8).fit(X, Y, weights, groups)
    for fold, (train, _) in enumerate(GroupKFold(n_splits=3).split(np.zeros(len(Y)), groups=groups)):
        for c in range(2):
            keep = train[weights[train, c] > 0]
            alone = LogisticRegression(C=model.C, class_weight="balanced", solver="liblinear", dual=True, tol=1e-8,
                                       max_iter=model.max_iter).fit(X[keep], Y[keep, c], sample_weight=weights[keep, c])
            np.testing.assert_allclose(model.fold_coefs_[fold][:, c], alone.coef_[0], atol=1e-3)
            assert model.fold_intercepts_[fold][c] == pytest.approx(alone.intercept_[0], abs=1e-3)
