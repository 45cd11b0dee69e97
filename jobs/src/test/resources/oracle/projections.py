"""Maximum-intensity projections over Z of a TIFF's first series, from tifffile and numpy alone: for each (t, c),
m = np.fmax.reduce(data[:, t, c], axis=0) (NaN only where every z is NaN; integers: plain max); the 16-bit PNG's
values (8/16-bit integers: m, int8/int16 offset by 128/32768; other types: none) and the 8-bit display plane of m,
windowed at np.percentile(finite, [0.1, 99.9]) (numpy's linear method), (v - low) * 255 / (high - low) rounded half
up, clamped to 0..255, NaN -> 0 (as display_plane.py does for slices). Prints JSON
{"T", "C", "height", "width", "projections": [{"t", "c", "low", "high", "raw16": [...] | null, "display8": [...]}]}.
usage: projections.py FILE AXES"""
import json
import sys

import numpy as np
import tifffile

from display8 import as_ztcyx, display8

path, axes = sys.argv[1], sys.argv[2]
a = as_ztcyx(tifffile.imread(path), axes)
offsets = {np.dtype(np.int8): 128, np.dtype(np.int16): 32768}
raw = a.dtype.itemsize <= 2 and a.dtype.kind in "iu"
out = []
for t in range(a.shape[1]):
    for c in range(a.shape[2]):
        m = np.fmax.reduce(a[:, t, c], axis=0)
        low, high, d = display8(m)
        r = (m.astype(np.int64) + offsets.get(a.dtype, 0)).ravel().tolist() if raw else None
        out.append({"t": t, "c": c, "low": low, "high": high, "raw16": r, "display8": d.ravel().tolist()})
print(json.dumps({"T": a.shape[1], "C": a.shape[2], "height": a.shape[3], "width": a.shape[4],
                  "projections": out}))
