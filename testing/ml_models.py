"""Estimators for the tests of the completion-date model."""


def small_model():
    from sklearn.ensemble import HistGradientBoostingRegressor

    # Where the model's quality does not matter, a small one keeps the tests quick.
    return HistGradientBoostingRegressor(max_iter=10)
