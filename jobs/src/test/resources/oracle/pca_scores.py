#!/usr/bin/python3
"""PCA scores as scikit-learn computes them, against highdim's score TIFFs read with tifffile.
usage: pca_scores.py K OUTPUT IMAGE_ID=FILE... ; prints one JSON object keyed by image id:
{"files": number of score files, "axes": tifffile's axes of the first, "dtype", "shape" (its series' shape),
"max_abs": the largest |sklearn score|, "max_abs_err": max |ours - sklearn|, "max_rel_err": max |ours - sklearn| / |sklearn|
over the voxels where |sklearn| >= 1e-3 max_abs, "nan": NaN count in ours}.
scikit-learn fits its own PCA on the voxels (channels as features) and transforms them; each component's sign follows
highdim's rule (largest absolute loading positive), so the matching score column is negated with it."""
import json, os, sys
import numpy as np
import tifffile
from sklearn.decomposition import PCA
from seed_axes import ztcyx

k, output = int(sys.argv[1]), sys.argv[2]
out = {}
for pair in sys.argv[3:]:
    image_id, path = pair.split("=", 1)
    arr = ztcyx(path).astype(np.float64)
    Z, T, C, Y, X = arr.shape
    obs = np.moveaxis(arr, 2, -1).reshape(-1, C)
    p = PCA(n_components=min(k, C)).fit(obs)
    signs = np.array([1.0 if v[np.argmax(np.abs(v))] >= 0 else -1.0 for v in p.components_])
    expected = (p.transform(obs) * signs).reshape(Z, T, Y, X, -1)
    ours = np.empty(expected.shape, dtype=np.float32)
    files, axes, dtype, shape = 0, None, None, None
    for z in range(Z):
        for t in range(T):
            f = os.path.join(output, image_id, "scores", "z%d_t%d.tif" % (z, t))
            with tifffile.TiffFile(f) as tf:
                s = tf.series[0]
                a = s.asarray()
                if axes is None:
                    axes, dtype, shape = s.axes, str(a.dtype), list(a.shape)
                    imagej = tf.is_imagej
            a = a.reshape(-1, Y, X)  # (k, Y, X); one component: (Y, X)
            ours[z, t] = np.moveaxis(a, 0, -1)
            files += 1
    err = np.abs(ours.astype(np.float64) - expected)
    scale = float(np.abs(expected).max())
    big = np.abs(expected) >= 1e-3 * scale
    out[image_id] = {"files": files, "axes": axes, "dtype": dtype, "shape": shape, "imagej": bool(imagej),
                     "max_abs": scale, "max_abs_err": float(np.nanmax(err)),
                     "max_rel_err": float((err[big] / np.abs(expected[big])).max()),
                     "nan": int(np.isnan(ours).sum())}
print(json.dumps(out))
