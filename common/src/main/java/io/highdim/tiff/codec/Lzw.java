package io.highdim.tiff.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * TIFF LZW decoder (TIFF 6.0 section 13, as libtiff reads it).
 *
 * <p>Codes are 9 to 12 bits, MSB-first; 256 is ClearCode, 257 EndOfInformation. The code width grows "early":
 * one code before the table size reaches 512/1024/2048. Streams written by old libtiff ("compat" LZW: LSB-first,
 * width grows at exactly 512/1024/2048) are recognised as libtiff does, by their first two bytes.
 *
 * <p>The table holds no bytes: every string a code stands for was already written to {@code dst} once, when
 * that code's entry was made (entry = previous string + first byte of the current one, which is exactly the
 * run of output starting at the previous string). So an entry is just (start in dst, length), and decoding a
 * code is a copy within dst, from before the write position.
 */
final class Lzw {
    private static final int CLEAR = 256;
    private static final int EOI = 257;
    private static final int FIRST = 258;
    private static final int TABLE_SIZE = 4096; // 12-bit codes
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Lzw() {}

    static void decode(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int expected)
            throws CorruptDataException {
        boolean compat = srcLen >= 2 && src[srcOff] == 0 && (src[srcOff + 1] & 1) != 0;
        int early = compat ? 0 : 1;

        int[] start = new int[TABLE_SIZE];
        int[] length = new int[TABLE_SIZE];

        int in = srcOff;
        int inEnd = srcOff + srcLen;
        long bits = 0;     // bit buffer; MSB-first: newest byte in the low bits; compat: newest in the high bits
        int bitCount = 0;  // valid bits in it

        int op = dstOff;
        int opEnd = dstOff + expected;

        int width = 9;
        int next = FIRST;                 // next free table entry
        int grow = (1 << width) - early;  // when next reaches this, codes get one bit wider
        int prevStart = -1;               // output of the previous code; -1 right after a Clear
        int prevLen = 0;

        while (op < opEnd) {
            if (bitCount < width) {
                if (inEnd - in >= 8) { // refill to 57..64 bits at once
                    int n = (64 - bitCount) >>> 3;
                    for (int i = 0; i < n; i++) {
                        long b = src[in++] & 0xff;
                        bits = compat ? bits | b << bitCount : bits << 8 | b;
                        bitCount += 8;
                    }
                } else {
                    while (bitCount < width) {
                        if (in == inEnd) {
                            throw new CorruptDataException("LZW data ended (no EOI code) after " + (op - dstOff)
                                    + " of " + expected + " bytes");
                        }
                        long b = src[in++] & 0xff;
                        bits = compat ? bits | b << bitCount : bits << 8 | b;
                        bitCount += 8;
                    }
                }
            }
            int code;
            if (compat) {
                code = (int) bits & ((1 << width) - 1);
                bits >>>= width;
                bitCount -= width;
            } else {
                bitCount -= width;
                code = (int) (bits >>> bitCount) & ((1 << width) - 1);
            }

            int curStart = op;
            int curLen;
            if (code < 256) {
                dst[op++] = (byte) code;
                curLen = 1;
            } else if (code == CLEAR) {
                width = 9;
                next = FIRST;
                grow = (1 << width) - early;
                prevStart = -1;
                continue;
            } else if (code == EOI) {
                throw new CorruptDataException("LZW data ended (EOI code) after " + (op - dstOff)
                        + " of " + expected + " bytes");
            } else if (prevStart < 0) {
                throw new CorruptDataException("LZW code " + code + " where a literal must follow ClearCode");
            } else if (code < next) {
                // a string decoded earlier, entirely before op
                int from = start[code];
                curLen = length[code];
                if (curLen <= 16 && opEnd - op >= 16) {
                    // Short strings (most of them) as two 8-byte moves. Bytes copied beyond curLen land in output
                    // not yet written; those read from at or after op are only ever copied beyond curLen.
                    LONG.set(dst, op, (long) LONG.get(dst, from));
                    LONG.set(dst, op + 8, (long) LONG.get(dst, from + 8));
                    op += curLen;
                } else {
                    int n = Math.min(curLen, opEnd - op);
                    System.arraycopy(dst, from, dst, op, n);
                    op += n;
                }
            } else if (code == next && next < TABLE_SIZE) {
                // the entry being defined right now ("KwKwK"): previous string + its own first byte
                curLen = prevLen + 1;
                int n = Math.min(prevLen, opEnd - op);
                System.arraycopy(dst, prevStart, dst, op, n);
                op += n;
                if (op < opEnd) dst[op++] = dst[prevStart];
            } else {
                throw new CorruptDataException("LZW code " + code + " is beyond the table (next entry " + next
                        + ") at output byte " + (op - dstOff));
            }

            if (prevStart >= 0 && next < TABLE_SIZE) {
                start[next] = prevStart;
                length[next] = prevLen + 1;
                if (++next >= grow && width < 12) grow = (1 << ++width) - early;
            }
            prevStart = curStart;
            prevLen = curLen;
        }
    }
}
