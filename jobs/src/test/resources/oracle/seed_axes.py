"""The seed service's reading of a file as a Z, T, C, Y, X array (see ../shared/bench/seed_reference.py): unknown
leading axes (Q, I) are Z then T, samples are channels, missing axes are 1; a stored 5D array of three unnamed
leading axes is Z, T, C whatever its sizes (none of size 1 drops out). Shared by the oracle scripts."""
import numpy as np
import tifffile


def ztcyx(path):
    """The file as the seed service reads it: a Z, T, C, Y, X array."""
    with tifffile.TiffFile(path) as tf:
        s = tf.series[0]
        axes, arr = s.axes, s.asarray()
    if len(axes) == 5 and all(a in "QI" for a in axes[:3]) and axes[3:] == "YX":
        axes = "ZTC" + axes[3:]
    keep = [i for i, a in enumerate(axes) if not (a in "QI" and arr.shape[i] == 1)]
    arr = arr.reshape([arr.shape[i] for i in keep])
    src = "".join(axes[i] for i in keep)
    lead = [a for a in "ZT" if a not in src]
    src = "".join(lead.pop(0) if a in "QI" and lead else a for a in src)
    if "S" in src and "C" not in src:
        src = src.replace("S", "C")
    for a in "ZTCYX":
        if a not in src:
            arr = arr[np.newaxis]
            src = a + src
    return np.transpose(arr, [src.index(a) for a in "ZTCYX"])
