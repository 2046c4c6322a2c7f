"""Early-stopping criterion (hwsim.engine.early_stopping) against independent exact binomial sums.

Expected values come from (a) the binomial formula of the MLPerf rules appendix "Early Stopping
Criterion", evaluated here with exact integer arithmetic (math.comb), and (b) one literal from
LoadGen's loadgen/mlperf.conf: ``*.MultiStream.min_query_count = 662``.
"""

import math
from fractions import Fraction

import pytest

from hwsim.engine import early_stopping as es


def _exact_cdf(t: int, n: int, fail: Fraction) -> Fraction:
    """P[Binomial(n, fail) <= t], exactly."""
    ok = 1 - fail
    return sum((Fraction(math.comb(n, k)) * fail**k * ok ** (n - k) for k in range(t + 1)), Fraction(0))


def _exact_passes(t: int, n: int, p: Fraction) -> bool:
    """P[at most t over-latency among n | under-latency prob p] < 1 - 0.99, in integers.

    With p = u/b: sum_k<=t comb(n, k) (b-u)^k u^(n-k) / b^n < 1/100.
    """
    u, b = p.numerator, p.denominator
    total = sum(math.comb(n, k) * (b - u) ** k * u ** (n - k) for k in range(t + 1))
    return 100 * total < b**n


def _exact_min_h(t: int, p: Fraction) -> int:
    """Smallest h with _exact_passes(t, h + t) (rules appendix), by bisection (monotone in h)."""
    lo, hi = 0, 1
    while not _exact_passes(t, hi + t, p):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _exact_passes(t, mid + t, p):
            hi = mid
        else:
            lo = mid
    return hi


def _exact_max_t(n: int, p: Fraction) -> int:
    t = -1
    while t + 1 <= n and _exact_passes(t + 1, n, p):
        t += 1
    return t


def test_constants_are_loadgens():
    # LoadGen results.cc EarlyStopping: confidence = 0.99, tolerance = 0.0; rules appendix: d = 0, c = .99.
    assert es.CONFIDENCE == 0.99
    assert es.TOLERANCE == 0.0


@pytest.mark.parametrize("p", [Fraction(9, 10), Fraction(99, 100)])
def test_min_passing_queries_matches_exact_binomial(p):
    for t in range(4):
        assert es.min_passing_queries(t, float(p)) == _exact_min_h(t, p)


def test_min_passing_queries_known_values():
    # t = 0 closed form ceil(log(1-c)/log(p)) (LoadGen MinPassingQueriesFinder's first point).
    assert es.min_passing_queries(0, 0.90) == math.ceil(math.log(0.01) / math.log(0.90)) == 44
    assert es.min_passing_queries(0, 0.99) == math.ceil(math.log(0.01) / math.log(0.99)) == 459
    # Exact integer sums (computed above by _exact_min_h): p90 -> 44, 63, 79, 94; p99 -> 459, 661, 836, 998.
    assert [es.min_passing_queries(t, 0.90) for t in range(4)] == [44, 63, 79, 94]
    assert [es.min_passing_queries(t, 0.99) for t in range(4)] == [459, 661, 836, 998]


def test_multistream_minimum_is_mlperf_conf_662():
    # loadgen/mlperf.conf: "*.MultiStream.min_query_count = 662" = h_min(t=1, p=0.99) + 1, the number of
    # queries below which results.cc reports "Need to process at least ... queries for early stopping".
    assert es.min_passing_queries(1, 0.99) + 1 == 662
    assert es.latency_estimate(list(range(661)), 0.99).ok is False
    assert es.latency_estimate(list(range(662)), 0.99).ok is True


def test_singlestream_needs_64_queries():
    est = es.latency_estimate(list(range(63)), 0.90)
    assert (est.ok, est.min_queries, est.estimate) == (False, 64, None)


@pytest.mark.parametrize("n", [64, 100, 500, 1024])
def test_latency_estimate_discards_t_minus_1(n):
    p = Fraction(9, 10)
    t = _exact_max_t(n, p)
    lat = list(range(1, n + 1))  # sorted, value = rank
    est = es.latency_estimate(lat, 0.90)
    assert est.ok
    assert est.overlatency_allowed == t
    assert est.discarded == t - 1
    assert est.estimate == lat[n - t]


def test_latency_estimate_1024_literal():
    # n = 1024 (the old SingleStream minimum): the exact sum gives t = 80 allowed, so the estimate is the
    # 80th highest latency (discarding 79), i.e. sorted index 944 (> the plain p90 index int(1024*0.9) = 921).
    assert _exact_max_t(1024, Fraction(9, 10)) == 80
    est = es.latency_estimate(list(range(1024)), 0.90)
    assert (est.overlatency_allowed, est.discarded, est.estimate) == (80, 79, 944)


def test_max_overlatency_allowed_exact_large_n():
    # n = 5000, p = 0.99, exact integer arithmetic: P[Bin(n, 1/100) <= t] < 1/100
    # <=> 100 * sum_k<=t comb(n, k) * 99^(n-k) < 100^n.
    n = 5000
    lhs = 0
    t = -1
    while True:
        k = t + 1
        lhs_next = lhs + math.comb(n, k) * 99 ** (n - k)
        if 100 * lhs_next < 100**n:
            lhs, t = lhs_next, k
        else:
            break
    assert t == 33  # value of the exact integer loop above
    assert es.max_overlatency_allowed(n, 0.99) == t
    assert es.max_overlatency_allowed(100, 0.99) == -1  # fewer than 459 queries: even 0 over fails


def test_server_early_stopping_verdict():
    n = 5000
    ok = es.server_early_stopping(n, 33, 0.99)  # 33 = exact maximum for n = 5000 (previous test)
    bad = es.server_early_stopping(n, 34, 0.99)
    assert ok.ok and not bad.ok
    assert ok.queries_needed == es.min_passing_queries(33, 0.99) + 33 <= n
    assert bad.more_queries_needed == es.min_passing_queries(34, 0.99) + 34 - n > 0
    assert bad.queries_needed == _exact_min_h(34, Fraction(99, 100)) + 34


def test_log_binomial_cdf_against_exact():
    for t, n, q in [
        (3, 100, Fraction(1, 100)),
        (50, 1000, Fraction(1, 10)),
        (1, 662, Fraction(1, 100)),
        (900, 1000, Fraction(9, 10)),
        (0, 10, Fraction(1, 2)),
    ]:
        exact = math.log(_exact_cdf(t, n, q))
        assert es.log_binomial_cdf(t, n, float(q)) == pytest.approx(exact, rel=1e-9, abs=1e-12)
    assert es.log_binomial_cdf(-1, 10, 0.5) == -math.inf
    assert es.log_binomial_cdf(10, 10, 0.5) == 0.0


def test_overlatency_odds_is_beta_regularized():
    # I_{p}(h, t+1) with h = 2, t = 1, p = 0.9: P[at most 1 failure in 3] = 0.9^3 + 3 * 0.1 * 0.9^2.
    assert es.overlatency_odds(2, 1, 0.9) == pytest.approx(0.9**3 + 3 * 0.1 * 0.9**2, rel=1e-12)


def test_bad_input_raises():
    with pytest.raises(ValueError):
        es.min_passing_queries(-1, 0.9)
    with pytest.raises(ValueError):
        es.min_passing_queries(1, 1.0)
    with pytest.raises(ValueError):
        es.max_overlatency_allowed(10, 0.9, c=1.5)
    with pytest.raises(ValueError):
        es.server_early_stopping(10, 11, 0.99)
