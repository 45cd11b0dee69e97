package io.highdim.bench;

import io.highdim.png.DisplayScaling;
import io.highdim.png.PngEncoder;
import io.highdim.tiff.Plane;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Making one slice PNG of a 2048×2048 uint16 plane: the display window (0.1/99.9 percentiles, histogram path) and
 * the PNGs (8-bit display: window mapping, filters, Deflate; 16-bit raw: filters, Deflate) written to a null stream,
 * so no I/O is measured. Score: Mi pixels per second (one op = 2^20 pixels; the plane is 4 Mi pixels).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PngBenchmark {
    private static final int MI_PIXELS = BenchPlanes.PIXELS >> 20;

    private Plane plane;
    private DisplayScaling.Window window;
    private final OutputStream sink = OutputStream.nullOutputStream();

    /**
     * One reused encoder per configuration: Deflate "huffman" (Huffman only), "level1" (LZ77 at level 1) or
     * "content" (Huffman only unless the sampled bytes are mostly one value), filter chosen "per-image" (entropy on
     * sampled rows) or "per-row" (the PNG specification's heuristic, on every row). content-per-image is PngEncoder's
     * default.
     */
    @State(Scope.Thread)
    public static class Encoder {
        @Param({"content-per-image", "huffman-per-image", "level1-per-row", "huffman-per-row", "level1-per-image"})
        public String config;
        PngEncoder png;

        @Setup
        public void open() {
            int strategy = config.startsWith("content") ? PngEncoder.STRATEGY_BY_CONTENT
                    : config.startsWith("huffman") ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY;
            int filter = config.endsWith("per-row") ? PngEncoder.FILTER_PER_ROW : PngEncoder.FILTER_PER_IMAGE;
            png = new PngEncoder(Deflater.BEST_SPEED, strategy, filter);
        }

        @TearDown
        public void close() {
            png.close();
        }
    }

    @Setup
    public void setup() {
        plane = BenchPlanes.u16Plane(3, 0);
        window = DisplayScaling.percentile(plane);
    }

    /** DisplayScaling.percentile: the default 0.1–99.9 percentile window of the plane. */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public DisplayScaling.Window percentile() {
        return DisplayScaling.percentile(plane);
    }

    /** An 8-bit display PNG with a precomputed window: a new encoder (defaults) for the one file. */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public void writeDisplay8() throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeDisplay8(sink, plane, window);
        }
    }

    /** A raw 16-bit PNG: a new encoder (defaults) for the one file. */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public void writeRaw16() throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            png.writeRaw16(sink, plane);
        }
    }

    /** A reused encoder's 8-bit display PNG with a precomputed window. */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public void encoderDisplay8(Encoder e) throws IOException {
        e.png.writeDisplay8(sink, plane, window);
    }

    /** A reused encoder's raw 16-bit PNG. */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public void encoderRaw16(Encoder e) throws IOException {
        e.png.writeRaw16(sink, plane);
    }
}
