#!/usr/bin/python3
"""Generate a deterministic 5D (Z, T, C, Y, X) test TIFF of a requested size.

The image is streamed to disk one page at a time through tifffile's iterator
support, so memory use stays at a few planes even for multi-GB files.

Logical content (identical for every flavour, so files are comparable):

    f1(z,t,y,x)  "nuclei": sum of small 3D Gaussian blobs that drift with t
    f2(z,t,y,x)  "cytoplasm": broad blobs + a smooth separable wave pattern
    I_c = offset_c + a_c * f1 + d_c * f2 + b_c * N(0,1)      (per channel c)

so channels are strongly correlated (two dominant principal components plus
noise), which makes PCA over C meaningful.  Everything is derived from --seed;
the noise of plane (z,t,c) comes from its own RNG stream seeded by
(seed, z, t, c), so a plane's values do not depend on the flavour or on the
order in which planes are written.  Intensities I_c are roughly 0..2 and are
mapped to the dtype as: float -> I_c as is; unsigned int -> 2% + 30% of the
range per unit of I_c; signed int -> starts at half the negative range (so
both signs occur).  Integers are rounded and clipped.

Flavours (--shape is always given as Z,T,C,Y,X, whatever the stored order):

    shaped  tifffile "shaped" JSON description {"shape": [Z,T,C,Y,X],
            "axes": "ZTCYX"}.  --channels auto stores C of 3 or 4 as samples
            with PlanarConfiguration=separate (photometric RGB, tifffile's
            default for such shapes), otherwise one page per channel.
    imagej  ImageJ hyperstack, stored order TZCYX (ImageJ requires it);
            uint8, uint16 or float32 only; channels always separate pages.
    ome     OME-TIFF with OME-XML axes ZTCYX (DimensionOrder XYCTZ); channels
            always separate pages.  The OME UUID is derived from the
            parameters so output is byte-for-byte reproducible.

Examples:
    scripts/make-tiff --out /tmp/a.tif --shape 8,3,3,128,128 --dtype uint16
    scripts/make-tiff --out /tmp/big.tif --gigabytes 2        # Z chosen
    scripts/make-tiff --out /tmp/b.ome.tif --flavour ome --shape 1,4,2,64,80 \
        --dtype float32
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import uuid

import numpy as np
import tifffile

AXES = 'ZTCYX'
IMAGEJ_DTYPES = ('uint8', 'uint16', 'float32')
# tifffile's own threshold for switching to BigTIFF (4 GiB minus 32 MiB of
# headroom for IFDs and metadata)
BIGTIFF_THRESHOLD = 2**32 - 2**25


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        epilog='See the module docstring (head of make_tiff.py) for details.',
    )
    p.add_argument('--out', required=True, help='output TIFF path')
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument('--shape', help='Z,T,C,Y,X, e.g. 8,3,3,128,128')
    size.add_argument(
        '--gigabytes', type=float,
        help='target size in GB (10^9 bytes, uncompressed); Z is chosen '
        'from T, C, Y, X below',
    )
    p.add_argument('--t', type=int, default=2, help='T for --gigabytes (2)')
    p.add_argument('--c', type=int, default=3, help='C for --gigabytes (3)')
    p.add_argument('--y', type=int, default=1024, help='Y for --gigabytes')
    p.add_argument('--x', type=int, default=1024, help='X for --gigabytes')
    p.add_argument('--dtype', default='uint16',
                   help='numpy dtype: uint8, uint16, int16, uint32, int32, '
                   'float32, float64, ... (default uint16)')
    p.add_argument('--flavour', '--flavor', default='shaped',
                   choices=('shaped', 'imagej', 'ome'))
    p.add_argument('--channels', default='auto',
                   choices=('auto', 'samples', 'pages'),
                   help='shaped only: store C as samples of one page '
                   '(planar separate, needs C=3 or 4) or one page per '
                   'channel; auto = samples iff C is 3 or 4 (tifffile '
                   'default)')
    p.add_argument('--bigtiff', action='store_true',
                   help='force BigTIFF (automatic when data > ~4 GB)')
    p.add_argument('--compression', default='none', choices=('none', 'zlib'),
                   help='zlib = Deflate (TIFF compression 8)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--verify', action='store_true',
                   help='after writing, re-read the first and last planes '
                   'and compare them with the generator')
    p.add_argument('--quiet', action='store_true', help='no progress output')
    return p.parse_args(argv)


# --------------------------------------------------------------------------
# pixel content
# --------------------------------------------------------------------------

class Phantom:
    """Deterministic smooth multichannel 5D phantom."""

    def __init__(self, shape, dtype, seed):
        self.Z, self.T, self.C, self.Y, self.X = shape
        self.dtype = np.dtype(dtype)
        self.seed = seed
        rng = np.random.default_rng([seed, 0x5EED])
        self.zc = ((np.arange(self.Z) + 0.5) / self.Z).astype(np.float32)
        self.yc = ((np.arange(self.Y) + 0.5) / self.Y).astype(np.float32)
        self.xc = ((np.arange(self.X) + 0.5) / self.X).astype(np.float32)

        def blobs(n, smin, smax, amin, amax, speed):
            return dict(
                c=rng.uniform(0.05, 0.95, (n, 3)),       # z, y, x centres
                s=rng.uniform(smin, smax, n),            # sigma in y, x
                sz=rng.uniform(0.15, 0.35, n),           # sigma in z
                a=rng.uniform(amin, amax, n),            # amplitude
                v=rng.normal(0.0, speed, (n, 3)),        # drift per t step
            )

        self.nuclei = blobs(24, 0.025, 0.07, 0.6, 1.0, 0.02)
        self.broad = blobs(4, 0.18, 0.3, 0.3, 0.5, 0.01)
        self.wave_k = rng.uniform(1.0, 3.0, 2)           # cycles over y, x
        self.wave_ph = rng.uniform(0, 2 * np.pi, 3)
        self.wave_w = rng.uniform(0.2, 0.6)               # phase speed per t
        # channel mixing: a_c * f1 + d_c * f2 + offset_c + b_c * noise
        self.a = rng.uniform(0.2, 1.0, self.C)
        self.d = rng.uniform(0.2, 1.0, self.C)
        self.off = rng.uniform(0.02, 0.15, self.C)
        self.noise = rng.uniform(0.01, 0.04, self.C)

        if self.dtype.kind == 'f':
            self.lo, self.scale = 0.0, 1.0
            self.clip = None
        elif self.dtype.kind in 'ui':
            info = np.iinfo(self.dtype)
            span = float(info.max) - float(info.min)
            if self.dtype.kind == 'u':
                self.lo = 0.02 * span
            else:
                self.lo = 0.5 * float(info.min)
            self.scale = 0.3 * span
            self.clip = (info.min, info.max)
        else:
            raise SystemExit(f'unsupported dtype {self.dtype}')

    def _blobsum(self, b, z, t, out):
        cz, cy, cx = (b['c'] + b['v'] * t).T
        # reflect drifting centres back into [0, 1]
        cz, cy, cx = (1 - np.abs(1 - np.mod(v, 2)) for v in (cz, cy, cx))
        zw = b['a'] * np.exp(-((self.zc[z] - cz) ** 2) / (2 * b['sz'] ** 2))
        for k in np.nonzero(zw > 1e-3)[0]:
            gy = np.exp(-((self.yc - cy[k]) ** 2) / (2 * b['s'][k] ** 2))
            gx = np.exp(-((self.xc - cx[k]) ** 2) / (2 * b['s'][k] ** 2))
            out += np.outer((zw[k] * gy).astype(np.float32),
                            gx.astype(np.float32))
        return out

    def fields(self, z, t):
        """Return the two latent fields (f1, f2) of plane (z, t)."""
        f1 = self._blobsum(self.nuclei, z, t,
                           np.zeros((self.Y, self.X), np.float32))
        f2 = self._blobsum(self.broad, z, t,
                           np.zeros((self.Y, self.X), np.float32))
        ky, kx = self.wave_k
        py, px, pz = self.wave_ph
        ph = self.wave_w * t + pz + 2 * np.pi * self.zc[z]
        # 0.25 * sin(a + ph) * cos(b) written as a separable sum
        sy = np.sin(2 * np.pi * ky * self.yc + py + ph).astype(np.float32)
        cx = np.cos(2 * np.pi * kx * self.xc + px).astype(np.float32)
        f2 += 0.25 + np.outer(0.25 * sy, cx)
        return f1, f2

    def channel(self, f1, f2, z, t, c):
        rng = np.random.default_rng([self.seed, z, t, c])
        v = rng.standard_normal((self.Y, self.X), dtype=np.float32)
        v *= self.noise[c]
        v += self.a[c] * f1
        v += self.d[c] * f2
        v += self.off[c]
        if self.clip is None:
            return v.astype(self.dtype, copy=False)
        v *= self.scale
        v += self.lo
        np.rint(v, out=v)
        np.clip(v, *self.clip, out=v)
        return v.astype(self.dtype)

    def plane(self, z, t, c):
        return self.channel(*self.fields(z, t), z, t, c)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    dtype = np.dtype(args.dtype)
    if args.shape:
        try:
            shape = tuple(int(v) for v in args.shape.split(','))
        except ValueError:
            raise SystemExit(f'--shape must be 5 integers: {args.shape!r}')
        if len(shape) != 5:
            raise SystemExit('--shape must be Z,T,C,Y,X (5 integers)')
    else:
        zbytes = args.t * args.c * args.y * args.x * dtype.itemsize
        z = max(1, round(args.gigabytes * 1e9 / zbytes))
        shape = (z, args.t, args.c, args.y, args.x)
    if min(shape) < 1:
        raise SystemExit(f'all dimensions must be >= 1: {shape}')
    Z, T, C, Y, X = shape
    nbytes = math.prod(shape) * dtype.itemsize

    flavour = args.flavour
    if flavour == 'imagej' and dtype.name not in IMAGEJ_DTYPES:
        raise SystemExit(f'imagej flavour supports {IMAGEJ_DTYPES} only')
    if args.channels != 'auto' and flavour != 'shaped':
        raise SystemExit('--channels applies to the shaped flavour only')
    if flavour == 'shaped':
        samples = (args.channels == 'samples'
                   or (args.channels == 'auto' and C in (3, 4)))
        if samples and C not in (3, 4):
            raise SystemExit('--channels samples needs C = 3 or 4')
    else:
        samples = False
    compression = None if args.compression == 'none' else 'zlib'
    bigtiff = args.bigtiff or nbytes > BIGTIFF_THRESHOLD
    if flavour == 'imagej' and bigtiff:
        print('note: ImageJ itself cannot open BigTIFF hyperstacks',
              file=sys.stderr)
    if compression and flavour == 'imagej':
        print('note: ImageJ itself cannot open compressed hyperstacks',
              file=sys.stderr)

    phantom = Phantom(shape, dtype, args.seed)

    # stored order of pages and the shape/metadata passed to tifffile
    if flavour == 'imagej':
        outer = [(z, t) for t in range(T) for z in range(Z)]
        wshape = (T, Z, C, Y, X)
        metadata = {'axes': 'TZCYX'}
    elif flavour == 'ome':
        outer = [(z, t) for z in range(Z) for t in range(T)]
        wshape = shape
        tag = f'highdim-make-tiff:{shape}:{dtype.name}:{args.seed}'
        metadata = {
            'axes': AXES,
            'UUID': str(uuid.uuid5(uuid.NAMESPACE_URL, tag)),
            'Creator': f'highdim make_tiff.py (tifffile {tifffile.__version__})',
            'Channel': {'Name': [f'ch{c}' for c in range(C)]},
        }
    else:
        outer = [(z, t) for z in range(Z) for t in range(T)]
        wshape = shape
        metadata = {'axes': AXES}

    npages = len(outer) * (1 if samples else C)
    progress = {'done': 0, 't0': time.monotonic()}
    progress['last'] = progress['t0']

    def report():
        # progress on stderr at most every 10 s (silent for small files)
        progress['done'] += 1
        now = time.monotonic()
        if not args.quiet and now - progress['last'] >= 10:
            progress['last'] = now
            print(f'  {progress["done"]}/{npages} pages, '
                  f'{now - progress["t0"]:.0f} s', file=sys.stderr, flush=True)

    def pages():
        # one item per TIFF page: (C, Y, X) when C is stored as samples,
        # else (Y, X); tifffile needs whole pages when compressing.
        for z, t in outer:
            f1, f2 = phantom.fields(z, t)
            if samples:
                report()
                yield np.stack([phantom.channel(f1, f2, z, t, c)
                                for c in range(C)])
            else:
                for c in range(C):
                    report()
                    yield phantom.channel(f1, f2, z, t, c)

    out = args.out
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    t0 = time.monotonic()
    with tifffile.TiffWriter(
        out,
        bigtiff=bigtiff,
        imagej=flavour == 'imagej',
        ome=flavour == 'ome',
        shaped=flavour == 'shaped',
    ) as tw:
        tw.write(
            data=pages(),
            shape=wshape,
            dtype=dtype,
            photometric='rgb' if samples else 'minisblack',
            planarconfig='separate' if samples else None,
            compression=compression,
            metadata=metadata,
        )
    elapsed = time.monotonic() - t0

    size = os.path.getsize(out)
    with tifffile.TiffFile(out) as tif:
        series = tif.series[0]
        print(f'wrote {out}')
        print(f'  flavour      {flavour}'
              f'{" (C as samples, planar separate)" if samples else ""}')
        print(f'  shape        Z,T,C,Y,X = {",".join(map(str, shape))}')
        print(f'  dtype        {dtype.name}')
        print(f'  compression  {args.compression}')
        print(f'  bigtiff      {tif.is_bigtiff}')
        print(f'  size         {size} bytes ({size / 1e9:.3f} GB, '
              f'{size / 2**30:.3f} GiB); uncompressed data {nbytes} bytes')
        print(f'  tifffile     series[0].axes={series.axes} '
              f'shape={series.shape} pages={len(tif.pages)}')
        print(f'  time         {elapsed:.1f} s')
        if args.verify:
            verify(tif, phantom, flavour, samples, shape)
    return 0


def verify(tif, phantom, flavour, samples, shape):
    """Compare the first and last stored pages with the generator."""
    Z, T, C, Y, X = shape
    series = tif.series[0]
    pages = series.pages
    for idx in (0, len(pages) - 1):
        got = pages[idx].asarray()
        if samples:
            zt, c = idx, None
        else:
            zt, c = divmod(idx, C)
        if flavour == 'imagej':
            t, z = divmod(zt, Z)
        else:
            z, t = divmod(zt, T)
        if c is None:
            want = np.stack([phantom.plane(z, t, k) for k in range(C)])
        else:
            want = phantom.plane(z, t, c)
        ok = np.array_equal(got.reshape(want.shape), want)
        print(f'  verify       page {idx} (z={z}, t={t}, c={c}): '
              f'{"OK" if ok else "MISMATCH"}')
        if not ok:
            raise SystemExit(1)


if __name__ == '__main__':
    sys.exit(main())
