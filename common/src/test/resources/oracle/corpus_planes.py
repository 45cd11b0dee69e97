#!/usr/bin/python3
"""tifffile's reading of each series of each file, as Z, T, C, Y, X by highdim's documented rules, with the sha256 of
every (z, t, c) plane (little-endian bytes, row-major). usage: corpus_planes.py KEY PATH AXES [KEY PATH AXES ...]
PATH is the file tifffile reads (an uncompressed twin where this tifffile cannot decode the original); AXES is "-"
(tifffile's own axes) or letters replacing them where highdim reads a file differently by a documented rule.
Prints {KEY: [{"axes": tifffile's axes, "shape": [Z, T, C, Y, X], "planes": [sha256, ...]}, ...]}, planes with Z
slowest, then T, then C."""
import hashlib, json, sys
import numpy as np
import tifffile


def ztcyx(axes, arr):
    """tifffile's axes letters to highdim's Z, T, C (docs/tiff-reader.md):
    - Y, X are the page's rows and columns; Z, T, C keep their names (OME, ImageJ, named tifffile axes);
    - S (samples of a page, RGB) is C: samples are channels; a C of size 1 beside it gives way;
    - Q (tifffile: unknown) and I (page index of plain pages) take Z, then T, then C, whichever the named axes
      left free; they drop out where their size is 1, unless the array has exactly three dimensions besides Y, X
      (a 5D array is Z, T, C whatever its sizes);
    - any other letter (H modulo, R position, ...) is outside the rules: an error here, not a guess."""
    axes = list(axes)
    if "S" in axes and "C" in axes:
        c = axes.index("C")
        if arr.shape[c] != 1:
            raise ValueError(f"both C and S in {''.join(axes)} {arr.shape}")
        arr = arr.reshape(arr.shape[:c] + arr.shape[c + 1:])
        del axes[c]
    axes = ["C" if a == "S" else a for a in axes]
    if len(axes) - 2 != 3:
        keep = [i for i, a in enumerate(axes) if not (a in "QI" and arr.shape[i] == 1)]
        arr = arr.reshape([arr.shape[i] for i in keep])
        axes = [axes[i] for i in keep]
    free = [a for a in "ZTC" if a not in axes]
    axes = [free.pop(0) if a in "QI" else a for a in axes]
    if sorted(axes) != sorted(set(axes)) or any(a not in "ZTCYX" for a in axes):
        raise ValueError(f"axes {''.join(axes)} are not Z, T, C, Y, X")
    for a in "ZTC":
        if a not in axes:
            arr = arr[np.newaxis]
            axes.insert(0, a)
    return np.transpose(arr, [axes.index(a) for a in "ZTCYX"])


out = {}
args = sys.argv[1:]
for key, path, relabel in zip(args[0::3], args[1::3], args[2::3]):
    series = []
    with tifffile.TiffFile(path) as tf:
        for s in tf.series:
            arr = s.asarray()
            a = ztcyx(s.axes if relabel == "-" else relabel, arr)
            le = a.dtype.newbyteorder("<")
            planes = [hashlib.sha256(np.ascontiguousarray(a[z, t, c]).astype(le).tobytes()).hexdigest()
                      for z in range(a.shape[0]) for t in range(a.shape[1]) for c in range(a.shape[2])]
            series.append({"axes": s.axes, "shape": list(a.shape), "planes": planes})
    out[key] = series
print(json.dumps(out))
