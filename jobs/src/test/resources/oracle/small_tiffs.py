"""Writes N small shaped TIFFs (tifffile, Z,T,C,Y,X uint16, random) named s0000.tif ... (s00000.tif ... from 10,000) into DIR.

usage: small_tiffs.py DIR N [--shape Z,T,C,Y,X] [--seed S] [--first I]
The same seed and index always give the same pixels.
"""
import argparse
import os

import numpy as np
import tifffile

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("n", type=int)
p.add_argument("--shape", default="2,1,3,16,16")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--first", type=int, default=0)
a = p.parse_args()
shape = tuple(int(s) for s in a.shape.split(","))
os.makedirs(a.dir, exist_ok=True)
width = 5 if a.first + a.n > 10000 else 4
for i in range(a.first, a.first + a.n):
    rng = np.random.default_rng([a.seed, i])
    data = rng.integers(0, 4096, size=shape, dtype=np.uint16)
    path = os.path.join(a.dir, "s%0*d.tif" % (width, i))
    tifffile.imwrite(path, data, metadata={"axes": "ZTCYX"})
