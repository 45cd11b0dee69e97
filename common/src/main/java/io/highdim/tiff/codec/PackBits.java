package io.highdim.tiff.codec;

import java.util.Arrays;

/** PackBits (Apple/TIFF 32773) byte-oriented run-length decoder. */
final class PackBits {
    private PackBits() {}

    static void decode(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int expected)
            throws CorruptDataException {
        int in = srcOff;
        int inEnd = srcOff + srcLen;
        int op = dstOff;
        int opEnd = dstOff + expected;
        while (op < opEnd) {
            if (in == inEnd) {
                throw new CorruptDataException("PackBits data ended after " + (op - dstOff) + " of " + expected
                        + " bytes");
            }
            int n = src[in++];
            if (n >= 0) {            // n+1 literal bytes
                int count = n + 1;
                if (inEnd - in < count) {
                    throw new CorruptDataException("PackBits literal run of " + count + " bytes is cut off after "
                            + (op - dstOff) + " of " + expected + " bytes");
                }
                int copied = Math.min(count, opEnd - op);
                System.arraycopy(src, in, dst, op, copied);
                in += count;
                op += copied;
            } else if (n != -128) {  // 1-n copies of the next byte; -128 is a no-op
                if (in == inEnd) {
                    throw new CorruptDataException("PackBits repeat run is cut off after " + (op - dstOff)
                            + " of " + expected + " bytes");
                }
                int count = Math.min(1 - n, opEnd - op);
                Arrays.fill(dst, op, op + count, src[in++]);
                op += count;
            }
        }
    }
}
