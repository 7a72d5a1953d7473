#!/usr/bin/python3
# Regenerate with (from the repository root, Debian's SciPy 1.10 / NumPy 1.24):
#   /usr/bin/python3 tests/Keel.Core.Tests/Monitoring/Fixtures/make_fixtures.py
# Writes fixtures.json next to this script: inputs plus SciPy/NumPy expected outputs for the
# drift statistics in src/Keel.Core/Monitoring/Statistics.
import json
import math
import os

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance
from scipy.stats import contingency

SEED = 20260126
rng = np.random.default_rng(SEED)


def floats(a):
    return [float(x) for x in a]


def sample(n, kind="normal", loc=0.0, scale=1.0, decimals=6):
    if kind == "normal":
        x = rng.normal(loc, scale, n)
    elif kind == "exponential":
        x = rng.exponential(scale, n) + loc
    elif kind == "integers":
        x = rng.integers(0, int(scale), n).astype(float) + loc
    elif kind == "constant":
        x = np.full(n, float(loc))
    else:
        raise ValueError(kind)
    if decimals is not None:
        x = np.round(x, decimals)
    return x


# ---------------------------------------------------------------- Kolmogorov-Smirnov
def ks_case(name, a, b, method="auto"):
    res = stats.ks_2samp(a, b, method=method)
    n1, n2 = len(a), len(b)
    mode = method
    if mode == "auto":
        mode = "exact" if max(n1, n2) <= 10000 else "asymp"
    en = n1 * n2 / (n1 + n2)
    return {
        "name": name,
        "reference": floats(a),
        "current": floats(b),
        "method": method,
        "mode": mode,
        "statistic": float(res.statistic),
        "pvalue": float(res.pvalue),
        # The limiting distribution at the effective n: what older SciPy (< 1.5) reported.
        "kstwobign_pvalue": float(stats.kstwobign.sf(math.sqrt(en) * res.statistic)),
    }


ks = []
for n1 in range(1, 6):
    for n2 in range(1, 6):
        ks.append(ks_case(f"tiny_{n1}x{n2}", sample(n1), sample(n2, loc=0.5)))
ks.append(ks_case("tiny_ties_3x4", np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0, 3.0])))
ks.append(ks_case("identical_5x5", np.arange(5.0), np.arange(5.0)))
ks.append(ks_case("disjoint_5x7", np.arange(5.0), np.arange(7.0) + 10))
ks.append(ks_case("constant_equal_20x30", sample(20, "constant", 3.0), sample(30, "constant", 3.0)))
ks.append(ks_case("constant_different_20x30", sample(20, "constant", 3.0), sample(30, "constant", 4.0)))
ks.append(ks_case("ties_integers_100x100", sample(100, "integers", scale=6), sample(100, "integers", 0.0, 7)))
ks.append(ks_case("ties_integers_80x125", sample(80, "integers", scale=5), sample(125, "integers", scale=5)))
ks.append(ks_case("ties_rounded_300x200", sample(300, decimals=1), sample(200, loc=0.1, decimals=1)))
ks.append(ks_case("equal_100x100_shift", sample(100), sample(100, loc=0.3)))
ks.append(ks_case("equal_500x500_null", sample(500), sample(500)))
ks.append(ks_case("unequal_100x90", sample(100), sample(90, loc=0.2)))
ks.append(ks_case("unequal_1000x10", sample(1000), sample(10, loc=0.5)))
ks.append(ks_case("unequal_10x1000_exp", sample(10, "exponential"), sample(1000, "exponential")))
ks.append(ks_case("unequal_97x103_null", sample(97), sample(103)))
ks.append(ks_case("unequal_2000x1500_shift", sample(2000), sample(1500, loc=0.1)))
ks.append(ks_case("auto_exact_10000x50", sample(10000, decimals=3), sample(50, loc=0.2, decimals=3)))
ks.append(ks_case("forced_exact_3000x2000", sample(3000, decimals=3), sample(2000, loc=0.05, decimals=3), "exact"))
ks.append(ks_case("asymp_small_60x40", sample(60), sample(40, loc=0.4), "asymp"))
ks.append(ks_case("asymp_11000x10500_null", sample(11000, decimals=3), sample(10500, decimals=3)))
ks.append(ks_case("asymp_10500x10200_shift", sample(10500, decimals=3), sample(10200, loc=0.05, decimals=3)))
ks.append(ks_case("asymp_15000x5000_ties", sample(15000, "integers", scale=50), sample(5000, "integers", scale=50)))

# ---------------------------------------------------------------- PSI on reference deciles
def psi_case(name, ref, cur, bins=10, alpha=0.5):
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    k = len(edges) + 1
    rc = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k)
    cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k)
    rp = (rc + alpha) / (len(ref) + alpha * k)
    cp = (cc + alpha) / (len(cur) + alpha * k)
    psi = float(np.sum((cp - rp) * np.log(cp / rp)))
    return {"name": name, "reference": floats(ref), "current": floats(cur), "bins": bins, "alpha": alpha,
            "edges": floats(edges), "reference_proportions": floats(rp), "psi": psi}


psi = [
    psi_case("null_1000", sample(1000), sample(1000)),
    psi_case("shift_2000x500", sample(2000), sample(500, loc=0.5)),
    psi_case("scale_1000", sample(1000), sample(1000, scale=2.0)),
    psi_case("ties_integers", sample(1000, "integers", scale=4), sample(800, "integers", scale=6)),
    psi_case("constant_reference", sample(100, "constant", 2.0), sample(100)),
    psi_case("tiny_3x2", sample(3), sample(2)),
    psi_case("twenty_bins", sample(5000, "exponential"), sample(3000, "exponential", scale=1.3), bins=20),
    psi_case("empty_bins_alpha_1", sample(1000), sample(50, loc=3.0), alpha=1.0),
]

# ---------------------------------------------------------------- Wasserstein-1
def wasserstein_case(name, ref, cur):
    d = float(stats.wasserstein_distance(ref, cur))
    return {"name": name, "reference": floats(ref), "current": floats(cur), "distance": d,
            "reference_std": float(np.std(ref)), "normalized": d / float(np.std(ref)) if np.std(ref) > 0 else None}


wasserstein = [
    wasserstein_case("null_1000", sample(1000), sample(1000)),
    wasserstein_case("shift_1000x700", sample(1000), sample(700, loc=0.2)),
    wasserstein_case("ties_integers", sample(500, "integers", scale=5), sample(400, "integers", scale=5)),
    wasserstein_case("tiny_1x1", sample(1), sample(1)),
    wasserstein_case("tiny_2x5", sample(2), sample(5)),
    wasserstein_case("large_20000x15000", sample(20000, "exponential", decimals=3), sample(15000, "exponential", scale=1.1, decimals=3)),
    wasserstein_case("constant_reference", sample(50, "constant", 1.0), sample(40)),
]

# ---------------------------------------------------------------- chi-square homogeneity, Cramér's V
def chi2_case(name, r, c, correction):
    table = np.array([r, c])
    stat, p, dof, _ = stats.chi2_contingency(table, correction=correction)
    v = float(contingency.association(table, method="cramer"))
    return {"name": name, "reference": [int(x) for x in r], "current": [int(x) for x in c],
            "correction": correction, "statistic": float(stat), "pvalue": float(p), "dof": int(dof), "cramers_v": v}


chi2 = []
for k in (2, 3, 5, 10, 20):
    probs = rng.dirichlet(np.ones(k))
    r = rng.multinomial(5000, probs)
    c = rng.multinomial(3000, probs)
    chi2.append(chi2_case(f"null_k{k}", r + 1, c + 1, False))
    shifted = rng.dirichlet(np.ones(k))
    chi2.append(chi2_case(f"drift_k{k}", r + 1, rng.multinomial(3000, shifted) + 1, False))
chi2.append(chi2_case("sparse_k6", [1, 0, 3, 2, 0, 9], [0, 2, 1, 0, 1, 4], False))
chi2.append(chi2_case("sparse_k4_small", [1, 1, 1, 1], [2, 0, 0, 3], False))
chi2.append(chi2_case("two_by_two_plain", [30, 12], [18, 25], False))
chi2.append(chi2_case("two_by_two_yates", [30, 12], [18, 25], True))
chi2.append(chi2_case("two_by_two_yates_small_diff", [10, 10], [10, 11], True))
chi2.append(chi2_case("k3_yates_ignored", [30, 12, 7], [18, 25, 9], True))
chi2.append(chi2_case("huge_statistic", [100000, 10], [10, 100000], False))

# ---------------------------------------------------------------- Jensen-Shannon (base 2)
js = []
for k in (2, 5, 12):
    p = rng.integers(0, 20, k).astype(float)
    q = rng.integers(0, 20, k).astype(float)
    p[0] += 1
    q[-1] += 1
    js.append({"p": floats(p), "q": floats(q), "distance": float(distance.jensenshannon(p, q, base=2))})
js.append({"p": [1.0, 0.0], "q": [0.0, 1.0], "distance": float(distance.jensenshannon([1.0, 0.0], [0.0, 1.0], base=2))})
js.append({"p": [1.0, 2.0, 3.0], "q": [1000.0, 2001.0, 3000.0],
           "distance": float(distance.jensenshannon([1.0, 2.0, 3.0], [1000.0, 2001.0, 3000.0], base=2))})

# ---------------------------------------------------------------- Benjamini-Hochberg (R's p.adjust "BH")
def bh(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)[::-1]
    ranks = np.arange(m, 0, -1)
    adj = np.minimum(1.0, np.minimum.accumulate(p[order] * m / ranks))
    out = np.empty(m)
    out[order] = adj
    return out


bh_cases = []
for p in ([0.01, 0.04, 0.03, 0.2, 0.5], [0.001] * 4, [1.0, 0.0, 0.5], [0.05],
          list(rng.uniform(0, 0.1, 30)), list(rng.uniform(0, 1, 50)) + [1e-12, 1e-300]):
    bh_cases.append({"p": floats(p), "adjusted": floats(bh(p))})

# ---------------------------------------------------------------- special functions
gamma = []
for a in (0.5, 1.0, 1.5, 2.0, 4.5, 9.5, 10.0, 50.0, 499.5):
    for x in (1e-3, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 200.0, 600.0):
        gamma.append({"a": a, "x": x, "q": float(special.gammaincc(a, x)), "p": float(special.gammainc(a, x)),
                      "lgamma": float(special.gammaln(a))})
kolmogorov = [{"x": x, "sf": float(stats.kstwobign.sf(x)), "cdf": float(stats.kstwobign.cdf(x))}
              for x in (0.05, 0.2, 0.4, 0.6, 0.8, 0.99, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0)]
# kstwo: the finite-n two-sided distribution ks_2samp uses in its asymptotic regime. The z grid
# (x = z / sqrt(n)) crosses every branch: Ruben-Gambino ends, Durbin matrix, Pomeranz, Pelz-Good,
# 2 * smirnov, and SciPy's large-n smirnov approximation above n = 1e6.
kstwo = []
for n in (1, 2, 3, 5, 10, 37, 140, 141, 500, 5000, 99999, 100001, 500000, 1000001):
    xs = {0.4 / n, 0.75 / n, 1.0 / n, 1 - 1.5 / n, 0.6, 0.95}
    xs.update(z / math.sqrt(n) for z in (0.15, 0.2, 0.3, 0.6, 0.85, 1.0, 1.2, 1.5, 1.9, 2.2, 3.0, 5.0, 10.0))
    for x in sorted(xs):
        if 0 < x < 1:
            kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})

out = {
    "generator": f"make_fixtures.py seed={SEED} scipy={scipy.__version__} numpy={np.__version__}",
    "ks": ks, "psi": psi, "wasserstein": wasserstein, "chi2": chi2, "js": js, "bh": bh_cases,
    "gamma": gamma, "kolmogorov": kolmogorov, "kstwo": kstwo,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"), allow_nan=False)
print(f"wrote {path}: {len(ks)} ks, {len(psi)} psi, {len(wasserstein)} wasserstein, {len(chi2)} chi2, "
      f"{len(js)} js, {len(bh_cases)} bh, {len(gamma)} gamma, {len(kolmogorov)} kolmogorov, {len(kstwo)} kstwo")
