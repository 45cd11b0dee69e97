#!/usr/bin/python3
"""Writes the files of the dimension rules' edge cases with tifffile (some with hand-made metadata) and a manifest:
per file the images highdim must find, each with its Z, T, C, Y, X, dtype, dimension source, the sha256 of every
(z, t, c) plane (little-endian bytes, row-major; Z slowest, then T, then C) and the warnings it must carry (text
each warning must contain, in order, no more and no fewer). usage: write_dimension_cases.py OUTDIR"""
import hashlib, json, os, sys
import numpy as np
import tifffile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)
Y, X = 20, 24
manifest = []


def data(shape, dtype):
    info = np.iinfo(np.dtype(dtype))
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


def image(ztcyx, source, warnings=()):
    z, t, c, y, x = ztcyx.shape
    le = ztcyx.dtype.newbyteorder("<")
    planes = [hashlib.sha256(np.ascontiguousarray(ztcyx[zi, ti, ci]).astype(le).tobytes()).hexdigest()
              for zi in range(z) for ti in range(t) for ci in range(c)]
    return {"shape": list(ztcyx.shape), "dtype": str(ztcyx.dtype), "source": source, "planes": planes,
            "warnings": list(warnings)}


def add(name, images, axes=None):
    path = os.path.join(out, name)
    try:  # what tifffile itself makes of the file, for the record (it may refuse the hand-made metadata)
        with tifffile.TiffFile(path) as tf:
            tifffile_says = [{"axes": s.axes, "shape": list(s.shape)} for s in tf.series]
    except Exception as e:
        tifffile_says = repr(e)
    manifest.append({"file": name, "axes": axes, "images": images, "tifffile": tifffile_says})


def shaped(name, stored, ztcyx, **kw):
    """A tifffile shaped file; the expected planes are tifffile's own reading of it, put in Z, T, C order by
    ztcyx (a function of tifffile's array), which must also be the array written."""
    path = os.path.join(out, name)
    tifffile.imwrite(path, stored, **kw)
    back = tifffile.imread(path)
    assert np.array_equal(back, stored), name
    add(name, [image(ztcyx(back), "shaped")])


# a stored 5D array is Z, T, C whatever its sizes: size-1 dimensions stay where they are (tifffile: QQQYX)
shaped("shaped_5d_z2_t1_c2.tif", data((2, 1, 2, Y, X), "uint16"), lambda a: a)
shaped("shaped_5d_z1_t3_c2.tif", data((1, 3, 2, Y, X), "uint16"), lambda a: a)
shaped("shaped_5d_z2_t2_c1.tif", data((2, 2, 1, Y, X), "int16"), lambda a: a)
# ... with samples as C: planar (a dimension of 3 before Y, X: tifffile stores samples, QQSYX) and chunky RGB
shaped("shaped_5d_z1_t2_c3_planar.tif", data((1, 2, 3, Y, X), "uint16"), lambda a: a)
shaped("shaped_5d_z1_t2_c3_rgb.tif", data((1, 2, Y, X, 3), "uint8"), lambda a: np.moveaxis(a, -1, 2),
       photometric="rgb", planarconfig="contig")
shaped("shaped_5d_z2_t1_c3_rgb.tif", data((2, 1, Y, X, 3), "uint8"), lambda a: np.moveaxis(a, -1, 2),
       photometric="rgb", planarconfig="contig")
# named axes claim their letters, a named size-1 dimension included
shaped("shaped_5d_named_ZCTYX.tif", data((2, 1, 5, Y, X), "uint16"), lambda a: np.transpose(a, (0, 2, 1, 3, 4)),
       metadata={"axes": "ZCTYX"})
# shorter and longer shapes: size-1 dimensions drop out first (sizes 3 and 4 before Y, X would be samples)
shaped("shaped_4d_1x5.tif", data((1, 5, Y, X), "uint16"), lambda a: a[0][:, np.newaxis, np.newaxis])
shaped("shaped_6d_2x1x3x2.tif", data((2, 1, 3, 2, Y, X), "uint8"), lambda a: a[:, 0])

# two tifffile series and a page of neither: both images carry the file's warning about it
a, b, extra = data((2, Y, X), "uint16"), data((5, Y, X), "uint16"), data((1, Y, X), "uint16")
with tifffile.TiffWriter(os.path.join(out, "shaped_two_series_and_a_stray_page.tif")) as w:
    w.write(a)
    w.write(b)
    w.write(extra, metadata=None)
stray = "1 pages after the tifffile series are not part of any image"
add("shaped_two_series_and_a_stray_page.tif", [image(a[:, None, None], "shaped", [stray]),
                                               image(b[:, None, None], "shaped", [stray])])

# ImageJ metadata counting 4 pages over 2 pages + 2 of half size (a pyramid): set aside, plain pages
a = data((2, Y, X), "uint8")
with tifffile.TiffWriter(os.path.join(out, "imagej_over_pages_of_two_sizes.tif")) as w:
    w.write(a, description="ImageJ=1.53t\nimages=4\nchannels=2\nslices=2\nhyperstack=true", metadata=None)
    w.write(data((2, Y // 2, X // 2), "uint8"), metadata=None)
add("imagej_over_pages_of_two_sizes.tif", [image(a[:, None, None], "plain", [
    "ImageJ metadata counts 4 pages but pages differ in size: read as plain pages",
    "2 pages after page 1 have another geometry"])])

OME_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" '
            'UUID="urn:uuid:00000000-0000-0000-0000-00000000000a">')


def pixels(i, order, typ, z, c, t, tiffdata):
    return (f'<Image ID="Image:{i}"><Pixels ID="Pixels:{i}" DimensionOrder="{order}" Type="{typ}" SizeX="{X}" '
            f'SizeY="{Y}" SizeZ="{z}" SizeC="{c}" SizeT="{t}">{tiffdata}</Pixels></Image>')


# OME-XML of a multi-file set (7 planes, in this file and another): set aside, this file's 5 pages are plain
a = data((5, Y, X), "uint8")
other = ('<TiffData FirstZ="5" IFD="0" PlaneCount="2"><UUID FileName="other.ome.tif">'
         'urn:uuid:00000000-0000-0000-0000-00000000000b</UUID></TiffData>')
xml = OME_HEAD + pixels(0, "XYZCT", "uint8", 7, 1, 1, '<TiffData IFD="0" PlaneCount="5"/>' + other) + "</OME>"
tifffile.imwrite(os.path.join(out, "ome_multifile_member.ome.tif"), a, description=xml, metadata=None)
add("ome_multifile_member.ome.tif", [image(a[:, None, None], "plain", [
    "OME-XML describes a multi-file set (planes in other files)"])])

# three OME Images in one file; the first and the last name a Type their pages do not hold: each image carries its
# own warning only (image 1 none). Image 2 is stored XYCZT (C fastest).
i0, i1, i2 = data((2, Y, X), "uint16"), data((3, Y, X), "uint16"), data((2, 2, Y, X), "uint16")  # i2: Z, C
xml = (OME_HEAD
       + pixels(0, "XYZCT", "int16", 2, 1, 1, '<TiffData IFD="0" PlaneCount="2"/>')
       + pixels(1, "XYZCT", "uint16", 1, 1, 3, '<TiffData IFD="2" PlaneCount="3"/>')
       + pixels(2, "XYCZT", "float", 2, 2, 1, '<TiffData IFD="5" PlaneCount="4"/>') + "</OME>")
tifffile.imwrite(os.path.join(out, "ome_three_images_own_warnings.ome.tif"),
                 np.concatenate([i0, i1, i2.reshape(4, Y, X)]), description=xml, metadata=None)
add("ome_three_images_own_warnings.ome.tif", [
    image(i0[:, None, None], "ome", ["OME-XML Type int16 but the pages hold uint16"]),
    image(i1[None, :, None], "ome"),
    image(i2[:, None], "ome", ["OME-XML Type float but the pages hold uint16"])])

# an axes override without sizes relabels OME's own sequence: tifffile stores TCZYX as XYZCT, T slowest
stored = data((2, 3, 4, Y, X), "uint8")
tifffile.imwrite(os.path.join(out, "ome_override_ZTCYX.ome.tif"), stored, ome=True, metadata={"axes": "TCZYX"})
add("ome_override_ZTCYX.ome.tif", [image(stored, "axes-override")], axes="ZTCYX")

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
