"""The incomplete gamma and beta functions against SciPy, and their bounded loops."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from servicemodel.kpi._special import beta_quantile, beta_regularized, upper_gamma_scaled


@given(
    st.floats(min_value=1, max_value=1.999999),
    st.floats(min_value=1e-6, max_value=700, allow_nan=False),
)
def test_upper_gamma_matches_scipy(s: float, a: float) -> None:
    from scipy.special import gammaincc, gammaln

    # Gamma(s, a) e^a / a^s = Q(s, a) Gamma(s) e^a a^-s
    expected = math.exp(math.log(gammaincc(s, a)) + gammaln(s) + a - s * math.log(a))
    assert math.isclose(upper_gamma_scaled(s, a), expected, rel_tol=1e-10)


@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0.5, max_value=5_000),
    st.floats(min_value=0.5, max_value=5_000),
)
def test_regularised_beta_matches_scipy(x: float, a: float, b: float) -> None:
    from scipy.special import betainc

    assert math.isclose(beta_regularized(x, a, b), float(betainc(a, b, x)), abs_tol=1e-11)


@given(
    st.floats(min_value=1e-6, max_value=1 - 1e-6),
    st.integers(1, 10_000),
    st.integers(1, 10_000),
)
def test_beta_quantile_inverts_the_regularised_beta(p: float, a: int, b: int) -> None:
    x = beta_quantile(p, a, b)
    assert math.isclose(beta_regularized(x, a, b), p, rel_tol=1e-9, abs_tol=1e-12)
