#!/usr/bin/env python3
"""Reference results from GrowthBook's gbstats package, for Ledgerline's analysis tests.

Reads one JSON document on stdin and writes one on stdout. Test-time only: nothing in
Ledgerline's sources calls Python.

Input:
  {"cases": [{"id": str, "kind": "proportion"|"mean",
              "a": {"n": int, "sum": float, "sumSquares": float}, "b": {...},
              "difference": "relative"|"absolute", "alpha": float, "tuning": float,
              "prior": {"mean": float, "variance": float, "proper": bool}, "inverse": bool}],
   "srm": [{"users": [int], "weights": [float]}],
   "distributions": {"t": [[x, df]], "tppf": [[p, df]], "norm": [x], "normppf": [p], "chi2": [[x, df]]}}

Output: the same shape with gbstats' (and SciPy's) answers; see `main`.
"""
import json
import math
import sys

from scipy import stats

from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import ProportionStatistic, SampleMeanStatistic
from gbstats.utils import check_srm


def statistic(kind, s):
    if kind == "proportion":
        return ProportionStatistic(n=s["n"], sum=s["sum"])
    return SampleMeanStatistic(n=s["n"], sum=s["sum"], sum_squares=s["sumSquares"])


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def frequentist(result):
    return {
        "expected": finite(result.expected),
        "ci": [finite(result.ci[0]), finite(result.ci[1])],
        "p_value": finite(result.p_value),
        "error": result.error_message,
    }


def run_case(case):
    kind = case["kind"]
    difference = case.get("difference", "relative")
    alpha = case.get("alpha", 0.05)
    out = {"id": case["id"]}

    a, b = statistic(kind, case["a"]), statistic(kind, case["b"])
    out["ttest"] = frequentist(
        TwoSidedTTest(a, b, FrequentistConfig(difference_type=difference, alpha=alpha)).compute_result()
    )

    a, b = statistic(kind, case["a"]), statistic(kind, case["b"])
    out["sequential"] = frequentist(
        SequentialTwoSidedTTest(
            a,
            b,
            SequentialConfig(
                difference_type=difference,
                alpha=alpha,
                sequential_tuning_parameter=case.get("tuning", 5000),
            ),
        ).compute_result()
    )

    a, b = statistic(kind, case["a"]), statistic(kind, case["b"])
    prior = case.get("prior", {})
    config = EffectBayesianConfig(
        difference_type=difference,
        alpha=alpha,
        inverse=case.get("inverse", False),
        prior_type="relative",
        prior_effect=GaussianPrior(
            mean=prior.get("mean", 0), variance=prior.get("variance", 1), proper=prior.get("proper", False)
        ),
    )
    result = EffectBayesianABTest(a, b, config).compute_result()
    out["bayes"] = {
        "chance_to_win": finite(result.chance_to_win),
        "expected": finite(result.expected),
        "ci": [finite(result.ci[0]), finite(result.ci[1])],
        "risk": [finite(result.risk[0]), finite(result.risk[1])],
        "stddev": finite(result.uplift.stddev),
        "error": result.error_message,
    }
    return out


def main():
    request = json.load(sys.stdin)
    response = {
        "cases": [run_case(case) for case in request.get("cases", [])],
        "srm": [finite(check_srm(s["users"], s["weights"])) for s in request.get("srm", [])],
    }
    d = request.get("distributions", {})
    response["distributions"] = {
        "t": [[finite(stats.t.cdf(x, df)), finite(stats.t.sf(x, df))] for x, df in d.get("t", [])],
        "tppf": [finite(stats.t.ppf(p, df)) for p, df in d.get("tppf", [])],
        "norm": [[finite(stats.norm.cdf(x)), finite(stats.norm.sf(x))] for x in d.get("norm", [])],
        "normppf": [finite(stats.norm.ppf(p)) for p in d.get("normppf", [])],
        "chi2": [[finite(stats.chi2.cdf(x, df)), finite(stats.chi2.sf(x, df))] for x, df in d.get("chi2", [])],
    }
    json.dump(response, sys.stdout)


if __name__ == "__main__":
    main()
