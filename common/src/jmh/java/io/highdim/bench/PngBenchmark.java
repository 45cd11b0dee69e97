package io.highdim.bench;

import io.highdim.png.DisplayScaling;
import io.highdim.png.PngWriter;
import io.highdim.tiff.Plane;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Making one slice PNG of a 2048×2048 uint16 plane: the display window (0.1/99.9 percentiles, histogram path) and
 * the 8-bit PNG (window mapping, adaptive row filters, Deflate) written to a null stream, so no I/O is measured.
 * Score: Mi pixels per second (one op = 2^20 pixels; the plane is 4 Mi pixels).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PngBenchmark {
    private static final int MI_PIXELS = BenchPlanes.PIXELS >> 20;

    private Plane plane;
    private DisplayScaling.Window window;
    private final OutputStream sink = OutputStream.nullOutputStream();

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

    /** PngWriter.writeDisplay8 with a precomputed window: toU8 + filtering + Deflate (default level). */
    @Benchmark
    @OperationsPerInvocation(MI_PIXELS)
    public void writeDisplay8() throws IOException {
        PngWriter.writeDisplay8(sink, plane, window);
    }
}
