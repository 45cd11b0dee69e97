package io.highdim.stats;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Python code as the oracle of pixel computations ({@link io.highdim.testkit.Oracle}: numpy and PIL). Data goes to it
 * as raw little-endian files; it answers in JSON (NaN allowed) on stdout.
 */
public final class PythonOracle {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private PythonOracle() {}

    /** Runs the script with the arguments and parses its stdout as JSON. */
    public static JsonNode run(String script, String... args) throws IOException, InterruptedException {
        return JSON.readTree(io.highdim.testkit.Oracle.pythonCode(null, script, args));
    }

    public static String dtype(PixelType t) {
        switch (t) {
            case U8: return "u1";
            case I8: return "i1";
            case U16: return "<u2";
            case I16: return "<i2";
            case U32: return "<u4";
            case I32: return "<i4";
            case F32: return "<f4";
            case F64: return "<f8";
            default: throw new IllegalArgumentException("no raw test format for " + t);
        }
    }

    /** The planes' pixels one after the other, little-endian, in their stored width (F16 not supported). */
    public static void writeRaw(Path file, List<Plane> planes) throws IOException {
        long bytes = 0;
        for (Plane p : planes) bytes += (long) p.size() * p.type().bytes();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (Plane p : planes) {
            Object px = p.pixels();
            switch (p.type()) {
                case U8: case I8: b.put((byte[]) px); break;
                case U16: case I16: b.asShortBuffer().put((short[]) px); b.position(b.position() + 2 * p.size()); break;
                case U32: case I32: b.asIntBuffer().put((int[]) px); b.position(b.position() + 4 * p.size()); break;
                case F32: b.asFloatBuffer().put((float[]) px); b.position(b.position() + 4 * p.size()); break;
                case F64: b.asDoubleBuffer().put((double[]) px); b.position(b.position() + 8 * p.size()); break;
                default: throw new IllegalArgumentException("no raw test format for " + p.type());
            }
        }
        Files.write(file, b.array());
    }

    public static double[] doubles(JsonNode arr) {
        double[] r = new double[arr.size()];
        for (int i = 0; i < r.length; i++) r[i] = arr.get(i).asDouble();
        return r;
    }

    public static long[] longs(JsonNode arr) {
        long[] r = new long[arr.size()];
        for (int i = 0; i < r.length; i++) r[i] = arr.get(i).asLong();
        return r;
    }
}
