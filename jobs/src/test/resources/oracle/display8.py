"""highdim's reading of a plane for display, from numpy alone. Shared by the oracle scripts (slices, projections)."""
import numpy as np


def as_ztcyx(a, axes):
    """An array with the named axes (e.g. "TCYX") as Z, T, C, Y, X: missing axes of size 1 in front."""
    assert a.ndim == len(axes), (a.shape, axes)
    for ax in "ZTC":
        if ax not in axes:
            a, axes = a[np.newaxis], ax + axes
    return np.transpose(a, [axes.index(x) for x in "ZTCYX"])


def display8(plane):
    """(low, high, uint8 plane): windowed at np.percentile(finite, [0.1, 99.9]) (numpy's linear method),
    (v - low) * 255 / (high - low) rounded half up, clamped to 0..255, NaN -> 0; a flat plane: 255 above low."""
    v = plane.astype(np.float64)
    finite = v[np.isfinite(v)]
    low, high = (np.percentile(finite, [0.1, 99.9]).tolist() if finite.size else [0.0, 0.0])
    if high > low:
        s = (v - low) * (255.0 / (high - low))
        out = np.where(np.isnan(s) | (s <= 0), 0, np.where(s >= 255, 255, np.floor(np.nan_to_num(s) + 0.5)))
    else:
        out = np.where(v > low, 255, 0)
    return low, high, out.astype(np.uint8)
