"""The 8-bit display plane highdim's slices hold, from tifffile and numpy alone: plane (z, t, c) of the file's
first series (its array axes given, e.g. ZTCYX), windowed at np.percentile(finite, [0.1, 99.9]) (numpy's linear
method), (v - low) * 255 / (high - low) rounded half up, clamped to 0..255, NaN -> 0. Prints JSON
{"height", "width", "low", "high", "pixels": [row-major]}.
usage: display_plane.py FILE AXES Z T C"""
import json
import sys

import numpy as np
import tifffile

path, axes, z, t, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a = tifffile.imread(path)
assert a.ndim == len(axes), (a.shape, axes)
for ax in "ZTC":
    if ax not in axes:
        a, axes = a[np.newaxis], ax + axes
a = np.transpose(a, [axes.index(x) for x in "ZTCYX"])
v = a[z, t, c].astype(np.float64)
finite = v[np.isfinite(v)]
low, high = (np.percentile(finite, [0.1, 99.9]).tolist() if finite.size else [0.0, 0.0])
if high > low:
    s = (v - low) * (255.0 / (high - low))
    out = np.where(np.isnan(s) | (s <= 0), 0, np.where(s >= 255, 255, np.floor(np.nan_to_num(s) + 0.5)))
else:
    out = np.where(v > low, 255, 0)
print(json.dumps({"height": int(v.shape[0]), "width": int(v.shape[1]), "low": low, "high": high,
                  "pixels": out.astype(np.uint8).ravel().tolist()}))
