"""Writes one 16384 x 16384 uint16 plane (512 MiB, Z,T,C,Y,X = 1,1,1,16384,16384, tifffile) to PATH and prints numpy's
statistics of it as JSON: {"mean", "std", "min", "max"} (std: population, ddof=0, as the catalogue's).

usage: large_plane.py PATH [--seed S]
"""
import argparse
import json

import numpy as np
import tifffile

p = argparse.ArgumentParser()
p.add_argument("path")
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
rng = np.random.default_rng(a.seed)
data = rng.integers(0, 65536, size=(1, 1, 1, 16384, 16384), dtype=np.uint16)
tifffile.imwrite(a.path, data, metadata={"axes": "ZTCYX"})
v = data.reshape(-1)
print(json.dumps({"mean": float(v.mean(dtype=np.float64)), "std": float(v.std(dtype=np.float64)),
                  "min": int(v.min()), "max": int(v.max())}))
