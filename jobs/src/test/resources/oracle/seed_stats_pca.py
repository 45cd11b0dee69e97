#!/usr/bin/python3
"""The seed service's computation (tifffile + numpy + scikit-learn, as ../shared/bench/seed_reference.py does it)
for several files in one process. usage: seed_stats_pca.py K FILE... ; prints one JSON object keyed by file:
{"shape": [Z,T,C,Y,X], "mean", "std", "min", "max", "pca": {"explained_variance", "explained_variance_ratio",
"components", "mean"} or null}. Components follow highdim's documented sign rule, scikit-learn >= 1.5's
(svd_flip with u_based_decision=False): each component's largest absolute loading is positive (Debian's
scikit-learn 1.2 decides the sign by the scores instead, so its raw signs are normalised here)."""
import json, sys
import numpy as np
from sklearn.decomposition import PCA
from seed_axes import ztcyx



def signed(v):
    """The component with its largest absolute loading positive (the first such loading on ties)."""
    return -v if v[np.argmax(np.abs(v))] < 0 else v


k = int(sys.argv[1])
out = {}
for path in sys.argv[2:]:
    arr = ztcyx(path)
    Z, T, C, Y, X = arr.shape
    f = arr.astype(np.float64)
    r = {"shape": list(arr.shape),
         "mean": [float(f[:, :, c].mean()) for c in range(C)],
         "std": [float(f[:, :, c].std()) for c in range(C)],
         "min": [float(arr[:, :, c].min()) for c in range(C)],
         "max": [float(arr[:, :, c].max()) for c in range(C)],
         "pca": None,
         # per (z, t, c) plane, Z slowest: mean, std, min, max
         "planes": [[float(f[z, t, c].mean()), float(f[z, t, c].std()), float(arr[z, t, c].min()),
                     float(arr[z, t, c].max())] for z in range(Z) for t in range(T) for c in range(C)]}
    if C >= 2 and not np.isnan(f).any():
        obs = np.moveaxis(f, 2, -1).reshape(-1, C)
        p = PCA(n_components=min(k, C)).fit(obs)
        r["pca"] = {"explained_variance": p.explained_variance_.tolist(),
                    # the whole spectrum: a loading vector is only defined where its eigenvalue is not repeated
                    "all_variance": PCA().fit(obs).explained_variance_.tolist(),
                    "explained_variance_ratio": p.explained_variance_ratio_.tolist(),
                    "components": [signed(v).tolist() for v in p.components_],
                    "mean": p.mean_.tolist()}
    out[path] = r
print(json.dumps(out))
