#!/usr/bin/python3
# Baseline for bench/Keel.Bench/Monitoring/StatisticsBench.cs, on the same sizes:
#   /usr/bin/python3 bench/monitoring_baseline.py
# Times scipy.stats.ks_2samp (1M vs 1M) and a NumPy PSI over 1M values with pre-fitted decile
# edges; best of 5 after one warm-up; prints JSON {name: seconds}.
import json
import time

import numpy as np
import scipy
from scipy import stats

SIZE = 1_000_000
rng = np.random.default_rng(20260126)
reference = rng.normal(0.0, 1.0, SIZE)
current = rng.normal(0.05, 1.0, SIZE)
sorted_reference = np.sort(reference)
edges = np.unique(np.quantile(reference, np.arange(1, 10) / 10))
k = len(edges) + 1
reference_counts = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=k)
reference_proportions = (reference_counts + 0.5) / (SIZE + 0.5 * k)


def psi():
    counts = np.bincount(np.searchsorted(edges, current, side="left"), minlength=k)
    p = (counts + 0.5) / (len(current) + 0.5 * k)
    return float(np.sum((p - reference_proportions) * np.log(p / reference_proportions)))


def best(fn, repetitions=5):
    fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


results = {
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "ks_2samp 1M vs 1M (pre-sorted reference)": best(lambda: stats.ks_2samp(sorted_reference, current)),
    "psi 1M values, 10 pre-fitted bins": best(psi),
    "wasserstein 1M vs 1M (both unsorted)": best(lambda: stats.wasserstein_distance(reference, current)),
}
print(json.dumps(results, indent=2))
