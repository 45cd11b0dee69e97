#!/usr/bin/python3
"""Writes one small TIFF per layout the reader must understand, with tifffile, and a manifest of what numpy holds:
for each file the Z, T, C, Y, X it should read as and the sha256 of every (z, t, c) plane (little-endian bytes,
row-major). usage: write_flavours.py OUTDIR"""
import hashlib, json, os, sys
import numpy as np
import tifffile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
manifest = []


def data(shape, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return (rng.standard_normal(shape) * 1000).astype(dtype)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


def add(name, ztcyx, axes=None, tiffcp=True):
    """ztcyx: the 5D array as numpy holds it in Z, T, C, Y, X order; tiffcp: also re-encode it with libtiff."""
    z, t, c, y, x = ztcyx.shape
    planes = []
    for zi in range(z):
        for ti in range(t):
            for ci in range(c):
                planes.append(hashlib.sha256(np.ascontiguousarray(ztcyx[zi, ti, ci]).astype(
                    ztcyx.dtype.newbyteorder("<")).tobytes()).hexdigest())
    manifest.append({"file": name, "shape": list(ztcyx.shape), "dtype": str(ztcyx.dtype), "axes": axes,
                     "planes": planes, "float": ztcyx.dtype.kind == "f", "tiffcp": tiffcp})


def shaped(name, arr5, stored, **kw):
    """arr5 in Z,T,C,Y,X; stored is the array given to tifffile."""
    tifffile.imwrite(os.path.join(out, name), stored, **kw)
    add(name, arr5)


# tifffile's JSON: 5D is Z, T, C, Y, X; C of 3 is stored as planar samples, other C as pages
for dtype in ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"]:
    a = data((3, 2, 3, 20, 24), dtype)
    shaped(f"shaped_ztcyx_c3samples_{dtype}.tif", a, a)
a = data((2, 2, 5, 20, 24), "uint16")
shaped("shaped_ztcyx_c5pages_u16.tif", a, a)
a = data((2, 2, 5, 20, 24), "int16")
shaped("shaped_ztcyx_c5pages_i16_bigendian.tif", a, a, byteorder=">")
a = data((2, 3, 2, 20, 24), "float32")
shaped("shaped_ztcyx_f32_bigtiff.tif", a, a, bigtiff=True)
# fewer dimensions: leading ones are Z, then T
a = data((4, 5, 1, 20, 24), "uint16")
shaped("shaped_ztyx_u16.tif", a, a[:, :, 0])
# ... but a dimension of 3 or 4 before Y, X is stored as samples, and samples are channels
a = data((4, 1, 3, 20, 24), "uint16")
shaped("shaped_zsyx_u16.tif", a, a[:, 0])
a = data((5, 1, 1, 20, 24), "uint8")
shaped("shaped_zyx_u8.tif", a, a[:, 0, 0])
# chunky RGB pages: samples interleaved, channels = samples
a = data((2, 1, 3, 20, 24), "uint8")
shaped("shaped_zyxs_rgb_chunky_u8.tif", a, np.moveaxis(a[:, 0], 1, -1), photometric="rgb", planarconfig="contig")
a = data((1, 1, 4, 20, 24), "uint16")
shaped("shaped_yxs_rgba_chunky_u16.tif", a, np.moveaxis(a[0, 0], 0, -1), photometric="rgb", planarconfig="contig",
       extrasamples=["unassalpha"])

# ImageJ hyperstack: stored T, Z, C
a = data((3, 2, 2, 20, 24), "uint16")
tifffile.imwrite(os.path.join(out, "imagej_tzcyx_u16.tif"), np.transpose(a, (1, 0, 2, 3, 4)), imagej=True,
                 metadata={"axes": "TZCYX"})
add("imagej_tzcyx_u16.tif", a)
a = data((4, 1, 3, 20, 24), "float32")
tifffile.imwrite(os.path.join(out, "imagej_zcyx_f32.tif"), a[:, 0], imagej=True, metadata={"axes": "ZCYX"})
add("imagej_zcyx_f32.tif", a)

# OME-TIFF: TCZYX order as tifffile writes it
a = data((4, 2, 3, 20, 24), "uint16")
tifffile.imwrite(os.path.join(out, "ome_tczyx_u16.ome.tif"), np.transpose(a, (1, 2, 0, 3, 4)), ome=True,
                 metadata={"axes": "TCZYX"})
add("ome_tczyx_u16.ome.tif", a)
a = data((3, 1, 2, 20, 24), "uint8")
tifffile.imwrite(os.path.join(out, "ome_czyx_u8_bigendian.ome.tif"), np.transpose(a[:, 0], (1, 0, 2, 3)),
                 ome=True, metadata={"axes": "CZYX"}, byteorder=">")
add("ome_czyx_u8_bigendian.ome.tif", a)

# plain pages (no description): pages are Z
a = data((6, 1, 1, 20, 24), "int32")
tifffile.imwrite(os.path.join(out, "plain_pages_i32.tif"), a[:, 0, 0], metadata=None)
add("plain_pages_i32.tif", a)
# the same kind of file with the user's axes: 12 pages stored T-major (t, z) -> T3Z4
stack = data((12, 20, 24), "uint16")
tifffile.imwrite(os.path.join(out, "plain_pages_override_T3Z4.tif"), stack, metadata=None)
a = np.transpose(stack.reshape(3, 4, 20, 24), (1, 0, 2, 3))[:, :, np.newaxis]
add("plain_pages_override_T3Z4.tif", a, axes="T3Z4YX")

# the user's axes without sizes relabel the metadata's own: a shaped [3, 2, 5, Y, X] read as T, Z, C
stored = data((3, 2, 5, 20, 24), "uint16")
tifffile.imwrite(os.path.join(out, "shaped_override_TZCYX.tif"), stored)
add("shaped_override_TZCYX.tif", np.transpose(stored, (1, 0, 2, 3, 4)), axes="TZCYX")
# ... and of an ImageJ hyperstack (stored T, Z, C) read as Z, T, C
stored = data((2, 3, 2, 20, 24), "uint8")
tifffile.imwrite(os.path.join(out, "imagej_override_ZTCYX.tif"), stored, imagej=True, metadata={"axes": "TZCYX"})
add("imagej_override_ZTCYX.tif", stored, axes="ZTCYX")

# tiled planar-separate samples wider than 8 bits, written by tifffile itself (libtiff 4.5's tiffcp scrambles
# them, so these are read as written, not re-encoded): 16 x 16 tiles over 40 x 50 pages (partial tiles at the right
# and bottom edges), Z = 2 pages of 3 or 4 samples; uncompressed, Deflate, Deflate + horizontal predictor (integers;
# this tifffile has no floating-point predictor encoder), both byte orders
for dtype in ["uint16", "int16", "uint32", "int32", "float32", "float64"]:
    codecs = [("none", None, None), ("deflate", "zlib", None)]
    if not np.dtype(dtype).kind == "f":
        codecs.append(("deflate+predictor", "zlib", 2))
    for label, compression, predictor in codecs:
        for order, byteorder in [("le", "<"), ("be", ">")]:
            name = f"tiled_planar_{dtype}_{label}_{order}.tif"
            a = data((2, 1, 3, 40, 50), dtype)
            tifffile.imwrite(os.path.join(out, name), a[:, 0], tile=(16, 16), planarconfig="separate",
                             photometric="rgb", compression=compression, predictor=predictor, byteorder=byteorder)
            add(name, a, tiffcp=False)
for dtype in ["uint16", "float32"]:
    name = f"tiled_planar_{dtype}_4samples_deflate.tif"
    a = data((2, 1, 4, 40, 50), dtype)
    tifffile.imwrite(os.path.join(out, name), a[:, 0], tile=(16, 16), planarconfig="separate", photometric="rgb",
                     extrasamples=["unassalpha"], compression="zlib")
    add(name, a, tiffcp=False)

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
