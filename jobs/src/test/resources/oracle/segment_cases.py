#!/usr/bin/python3
"""Segmentation's oracle: scikit-image 0.19 on the volumes highdim segments.
  segment_cases.py write DIR        writes the test images (Z,T,C,Y,X shaped TIFFs) into DIR
  segment_cases.py expect FILE THRESHOLD CONNECTIVITY MIN_VOXELS [LABEL_DIR]
      prints, per (t, c), scikit-image's threshold, objects (label, voxels, centroid, bbox, min, max, sum, every
      channel's mean) and, given LABEL_DIR, whether the label TIFF there (t{T}_c{C}.tif) equals skimage's labels.
Rule: threshold = VALUE or threshold_otsu over the finite voxels; foreground = vol > threshold (NaN never);
remove_small_objects(min_size=N, connectivity) when N > 0; label(connectivity) 1/2/3 for 6/18/26."""
import json, os, sys
import numpy as np
import tifffile
from scipy import ndimage
from skimage.filters import threshold_otsu
from skimage.measure import label, regionprops_table
from skimage.morphology import remove_small_objects


def blobs(rng, shape, n, lo, hi, background, noise, dtype):
    z, y, x = np.indices(shape)
    vol = rng.normal(background, noise, shape)
    for _ in range(n):
        c = [rng.uniform(0, s) for s in shape]
        r = rng.uniform(1.5, 5.0, 3)
        d = ((z - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((x - c[2]) / r[2]) ** 2
        vol[d <= 1] += rng.uniform(lo, hi)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    if info is not None:
        vol = np.clip(np.rint(vol), info.min, info.max)
    return vol.astype(dtype)


def write(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(21)
    save = lambda name, a: tifffile.imwrite(os.path.join(out, name + ".tif"), a, metadata={"axes": "ZTCYX"})
    # 16-bit blobs, T=2, C=2, 256x256 planes: with --partition-mb 1 every plane is a slab of its own
    a = np.stack([np.stack([blobs(rng, (12, 256, 256), 40, 300, 900, 100, 20, np.uint16) for c in range(2)], 1)
                  for t in range(2)], 1)
    save("blobs_u16", a)
    # 8-bit: a U (two pillars joined only in the last plane) and a spiral through Z, on noise
    u8 = (rng.random((10, 1, 1, 256, 256)) * 40).astype(np.uint8)
    u8[:, 0, 0, 40:60, 40:50] = 200
    u8[:, 0, 0, 40:60, 150:160] = 200
    u8[9, 0, 0, 40:60, 40:160] = 200
    for z in range(10):
        ang = z * 0.3
        cy, cx = int(128 + 60 * np.sin(ang)), int(128 + 60 * np.cos(ang))
        u8[z, 0, 0, cy - 12:cy + 12, cx - 12:cx + 12] = 180
    save("u_and_spiral_u8", u8)
    # objects touching only diagonally across planes: joined with 26 (and 18 for edges), apart with 6
    d = np.zeros((8, 1, 1, 256, 256), np.uint16)
    for k in range(7):
        d[k, 0, 0, 10 + k, 10 + k] = 1000          # corner to corner: 26 only
        d[k, 0, 0, 100, 50 + k] = 1000             # edge to edge (dz, dx): 18 and 26
        d[k, 0, 0, 200:203, 200:203] = 1000        # faces: all
    save("diagonal_u16", d)
    save("empty_u16", np.zeros((6, 1, 1, 256, 256), np.uint16))
    save("full_i16", (rng.integers(-500, 500, (6, 1, 1, 256, 256))).astype(np.int16))
    # float32 with NaN holes, T=1, C=2
    f = np.stack([blobs(rng, (8, 256, 256), 25, 0.5, 2.0, 0.1, 0.05, np.float32) for c in range(2)], 1)[:, None]
    f[rng.random(f.shape) < 0.02] = np.nan
    save("nan_f32", f)


def expect(path, threshold, connectivity, min_voxels, label_dir):
    data = tifffile.imread(path)
    Z, T, C, Y, X = data.shape
    k = {6: 1, 18: 2, 26: 3}[connectivity]
    out = []
    for t in range(T):
        for c in range(C):
            vol = data[:, t, c]
            if threshold == "otsu":
                th = threshold_otsu(vol[np.isfinite(vol)]) if np.isfinite(vol).any() else np.nan
            else:
                th = float(threshold)
            mask = vol > th
            if min_voxels > 0:
                mask = remove_small_objects(mask, min_size=min_voxels, connectivity=k)
            lab = label(mask, connectivity=k)
            n = int(lab.max())
            objects = []
            if n:
                p = regionprops_table(lab, properties=("label", "area", "centroid", "bbox"))
                ids = np.arange(1, n + 1)
                v64 = vol.astype(np.float64)
                mins, maxs = ndimage.minimum(v64, lab, ids), ndimage.maximum(v64, lab, ids)
                sums = ndimage.sum_labels(v64, lab, ids)
                means = [ndimage.mean(data[:, t, o].astype(np.float64), lab, ids) for o in range(C)]
                for i in range(n):
                    objects.append({"label": int(p["label"][i]), "voxels": int(p["area"][i]),
                                    "centroid": [float(p["centroid-%d" % a][i]) for a in range(3)],
                                    "bbox": [int(p["bbox-%d" % a][i]) for a in range(6)],
                                    "min": float(mins[i]), "max": float(maxs[i]), "sum": float(sums[i]),
                                    "channel_means": [float(m[i]) for m in means]})
            entry = {"t": t, "c": c, "threshold": float(th), "objects": objects}
            if label_dir:
                f = os.path.join(label_dir, f"t{t}_c{c}.tif")
                ours = tifffile.imread(f)
                entry["labels"] = {"dtype": str(ours.dtype), "shape": list(ours.shape),
                                   "equal": bool(ours.shape == lab.shape and (ours == lab).all())}
            out.append(entry)
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        expect(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] if len(sys.argv) > 6 else None)
