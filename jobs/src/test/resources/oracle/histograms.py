#!/usr/bin/python3
"""Histograms by numpy, the oracle of HistogramsMatchNumpyTest. usage:
  histograms.py write OUTDIR      writes the test cases with tifffile (5D Z,T,C,Y,X arrays), prints their names
  histograms.py check W FILE...   per file and channel (the file as the seed service reads it, Z,T,C,Y,X): count of
      finite values, NaN, -inf, +inf, finite min and max, the distinct values and their counts (np.unique, integer
      data), np.histogram(v, 256, (min, max)) of the finite values as float64 with its edges, np.percentile(v, [0.1,
      99.9]); and, for the fine bin width W[file][c] (JSON), per edge j how many values lie below edge_j - 0 and below
      edge_j + W: the bracket an edge-straddling fine bin may move a count within."""
import json, os, sys
import numpy as np
import tifffile
from seed_axes import ztcyx


def write(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    shape = (3, 2, 2, 40, 50)
    cases = {
        "u8_full": rng.integers(0, 256, size=shape, dtype=np.uint8),
        # 12-bit camera data shifted to the top of 16 bits: every 16th value only (gaps), plus a bright tail
        "u16_shifted": (rng.poisson(300, size=shape).clip(0, 4095) << 4).astype(np.uint16),
        "i16_signed": rng.normal(-200, 3000, size=shape).clip(-32768, 32767).astype(np.int16),
        "i32_wide": rng.normal(0, 4e8, size=shape).astype(np.int32),
    }
    f = rng.normal(100, 30, size=shape).astype(np.float32)
    f[0, 0, 0, :3, :3] = np.nan
    f[1, 1, 0, 5, :4] = np.inf
    f[2, 0, 0, 7, :2] = -np.inf
    f[:, :, 1] = np.float32(2.5)          # channel 1 constant: min == max
    f[0, 0, 1, 0, 0] = np.float32(-1e-30)  # ... but for one tiny negative value
    cases["f32_special"] = f
    cases["f32_quantised"] = (rng.integers(0, 1000, size=shape) * 0.5).astype(np.float32)
    for name, a in cases.items():
        tifffile.imwrite(os.path.join(out, name + ".tif"), a, photometric="minisblack", metadata={"axes": "ZTCYX"})
        print(name + ".tif")


def check(widths, paths):
    out = {}
    for path in paths:
        arr = ztcyx(path)
        channels = []
        for c in range(arr.shape[2]):
            v = arr[:, :, c].ravel()
            f = v.astype(np.float64)
            finite = f[np.isfinite(f)]
            r = {"count": int(finite.size), "nan": int(np.isnan(f).sum()), "neg_inf": int((f == -np.inf).sum()),
                 "pos_inf": int((f == np.inf).sum())}
            if finite.size:
                lo, hi = float(finite.min()), float(finite.max())
                counts, edges = np.histogram(finite, bins=256, range=(lo, hi))
                w = widths[path][c]
                s = np.sort(finite)
                r.update(min=lo, max=hi, counts=counts.tolist(), edges=edges.tolist(),
                         percentiles=np.percentile(finite, [0.1, 99.9]).tolist(),
                         below=np.searchsorted(s, edges, side="left").tolist(),
                         below_plus_w=np.searchsorted(s, edges + w, side="left").tolist())
                if v.dtype.kind in "iu" and v.dtype.itemsize <= 2:
                    values, n = np.unique(v, return_counts=True)
                    r.update(values=values.astype(np.int64).tolist(), value_counts=n.tolist())
            channels.append(r)
        out[path] = channels
    print(json.dumps(out))


if sys.argv[1] == "write":
    write(sys.argv[2])
else:
    check(json.loads(sys.argv[2]), sys.argv[3:])
