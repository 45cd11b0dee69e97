package io.highdim.png;

/**
 * The five PNG row filters (filter method 0: type 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) and the two ways of
 * choosing them. Bytes are filtered as unsigned, modulo 256, with {@code bpp} bytes per pixel (1 or 2 here).
 */
final class PngFilters {
    static final int TYPES = 5;

    private PngFilters() {}

    /**
     * out[o] = t, then out[o + 1 + i] = byte i of the row {@code cur} (n bytes) filtered with type t; {@code prev} is
     * the raw row above (zeros above the first row). The first bpp bytes have no left neighbour, so the loops are
     * split there instead of testing {@code i >= bpp} per byte (the JIT then vectorises Sub, Up and Average).
     */
    static void apply(int t, byte[] cur, byte[] prev, int n, int bpp, byte[] out, int o) {
        out[o++] = (byte) t;
        int head = Math.min(bpp, n);
        switch (t) {
            case 0:
                System.arraycopy(cur, 0, out, o, n);
                break;
            case 1:
                System.arraycopy(cur, 0, out, o, head);
                for (int i = head; i < n; i++) out[o + i] = (byte) (cur[i] - cur[i - bpp]);
                break;
            case 2:
                for (int i = 0; i < n; i++) out[o + i] = (byte) (cur[i] - prev[i]);
                break;
            case 3:
                for (int i = 0; i < head; i++) out[o + i] = (byte) (cur[i] - ((prev[i] & 0xFF) >>> 1));
                for (int i = head; i < n; i++) {
                    out[o + i] = (byte) (cur[i] - (((cur[i - bpp] & 0xFF) + (prev[i] & 0xFF)) >>> 1));
                }
                break;
            case 4:
                // without a left neighbour (a = c = 0) Paeth predicts the byte above, as Up does
                for (int i = 0; i < head; i++) out[o + i] = (byte) (cur[i] - prev[i]);
                for (int i = head; i < n; i++) {
                    int a = cur[i - bpp] & 0xFF, b = prev[i] & 0xFF, c = prev[i - bpp] & 0xFF;
                    // |p - a|, |p - b|, |p - c| for p = a + b - c
                    int pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - c - c);
                    int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    out[o + i] = (byte) (cur[i] - pred);
                }
                break;
            default:
                throw new IllegalArgumentException("PNG filter type " + t);
        }
    }

    /**
     * The PNG specification's per-row heuristic: filters the row with every type into {@code candidates[t]} (n + 1
     * bytes each) and returns the type whose filtered bytes, read as signed, have the smallest sum of absolute values.
     */
    static int bestForRow(byte[] cur, byte[] prev, int n, int bpp, byte[][] candidates) {
        int best = 0;
        long bestSum = Long.MAX_VALUE;
        for (int t = 0; t < TYPES; t++) {
            byte[] f = candidates[t];
            apply(t, cur, prev, n, bpp, f, 0);
            long sum = 0;
            for (int i = 1; i <= n; i++) sum += Math.abs((int) f[i]);
            if (sum < bestSum) {
                bestSum = sum;
                best = t;
            }
        }
        return best;
    }

    /**
     * Adds the bytes of {@code filtered[from .. from + n)} to the 256 byte counts of filter type t in {@code counts}
     * (TYPES * 256 of them).
     */
    static void count(int t, byte[] filtered, int from, int n, long[] counts) {
        int base = t * 256;
        for (int i = from; i < from + n; i++) counts[base + (filtered[i] & 0xFF)]++;
    }

    /** The share of type t's most common counted byte among its counted bytes (0 if none were counted). */
    static double mostCommonShare(int t, long[] counts) {
        long total = 0, most = 0;
        for (int v = 0; v < 256; v++) {
            long c = counts[t * 256 + v];
            total += c;
            most = Math.max(most, c);
        }
        return total == 0 ? 0 : (double) most / total;
    }

    /**
     * The type whose counted bytes have the smallest order-0 entropy: the size a Huffman coder approaches, so the
     * right measure when Deflate codes the filtered bytes one by one (Huffman only). Ties go to the lower type.
     */
    static int lowestEntropy(long[] counts) {
        int best = 0;
        double bestBits = Double.POSITIVE_INFINITY;
        for (int t = 0; t < TYPES; t++) {
            long total = 0;
            double sumClogC = 0;
            for (int v = 0; v < 256; v++) {
                long c = counts[t * 256 + v];
                if (c > 0) {
                    total += c;
                    sumClogC += c * Math.log(c);
                }
            }
            double bits = total == 0 ? 0 : total * Math.log(total) - sumClogC;   // entropy * total, in nats
            if (bits < bestBits - 1e-9 * Math.max(1, bits)) {
                bestBits = bits;
                best = t;
            }
        }
        return best;
    }
}
