package io.highdim.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/** sha256 of a plane's pixels as little-endian bytes in row-major order: what the tifffile oracle records. */
final class PlaneChecksums {
    private PlaneChecksums() {}

    static String sha256(Plane p) {
        int n = p.size();
        ByteBuffer b = ByteBuffer.allocate(n * p.type().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        Object px = p.pixels();
        switch (p.type()) {
            case U8: case I8: b.put((byte[]) px); break;
            case U16: case I16: b.asShortBuffer().put((short[]) px); break;
            case U32: case I32: b.asIntBuffer().put((int[]) px); break;
            case F16: for (float f : (float[]) px) b.putShort(Half.fromFloat(f)); break;
            case F32: b.asFloatBuffer().put((float[]) px); break;
            default: b.asDoubleBuffer().put((double[]) px);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
