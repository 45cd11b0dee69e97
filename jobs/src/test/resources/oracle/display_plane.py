"""The 8-bit display plane highdim's slices hold, from tifffile and numpy alone: plane (z, t, c) of the file's
first series (its array axes given, e.g. ZTCYX), windowed at np.percentile(finite, [0.1, 99.9]) (numpy's linear
method), (v - low) * 255 / (high - low) rounded half up, clamped to 0..255, NaN -> 0. Prints JSON
{"height", "width", "low", "high", "pixels": [row-major]}.
usage: display_plane.py FILE AXES Z T C"""
import json
import sys

import tifffile

from display8 import as_ztcyx, display8

path, axes, z, t, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a = as_ztcyx(tifffile.imread(path), axes)
low, high, out = display8(a[z, t, c])
print(json.dumps({"height": int(out.shape[0]), "width": int(out.shape[1]), "low": low, "high": high,
                  "pixels": out.ravel().tolist()}))
