package io.highdim.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/** sha256 of a plane's pixels as little-endian bytes in row-major order: what the tifffile oracle records. */
final class PlaneChecksums {
    private PlaneChecksums() {}

    /**
     * Every (z, t, c) plane of the image hashes to {@code expected}'s entry, listed Z slowest, then T, then C; the
     * message names the plane and where it was read from.
     */
    static void assertPlanes(TiffFormatReader reader, RangeReader in, ImageIndex image,
                             com.fasterxml.jackson.databind.JsonNode expected, String what) throws java.io.IOException {
        int i = 0;
        for (int z = 0; z < image.sizeZ(); z++)
            for (int t = 0; t < image.sizeT(); t++)
                for (int c = 0; c < image.sizeC(); c++, i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(expected.get(i).asText(),
                            sha256(reader.readPlane(image, in, z, t, c)), what + " plane z=" + z + " t=" + t + " c="
                                    + c + " (page " + image.pageOf(z, t, c).ifd() + " sample " + image.sampleOf(z, t, c)
                                    + ")");
                }
    }

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
