package io.highdim.bench;

import io.highdim.stats.ChannelMoments;
import io.highdim.stats.PlaneStats;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The statistics pass over decoded pixels, for one (z,t) block of C = 3 channels of 2048×2048: uint16 and float32,
 * plus int16 (the uint16 scene shifted by −32768: the signed kernels) and uint8 (the scene / 16, clamped).
 * Score: Mi pixel values per second (one op = 2^20 values of one channel; a block is 3 × 4 Mi values), so 16-bit
 * MiB/s = 2 × score, float32 MiB/s = 4 × score, uint8 MiB/s = score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MomentsBenchmark {
    private static final int C = 3;
    private static final int MI_VALUES_PER_PLANE = BenchPlanes.PIXELS >> 20;

    @Param({"U16", "F32", "I16", "U8"})
    public String type;

    private Plane[] block;
    private ChannelMoments moments;

    @Setup
    public void setup() {
        block = new Plane[C];
        for (int c = 0; c < C; c++) {
            switch (type) {
                case "F32": block[c] = BenchPlanes.f32Plane(7, c); break;
                case "I16": block[c] = shifted(BenchPlanes.u16Plane(7, c)); break;
                case "U8": block[c] = eightBit(BenchPlanes.u16Plane(7, c)); break;
                default: block[c] = BenchPlanes.u16Plane(7, c);
            }
        }
        moments = new ChannelMoments(C);   // reused, as one Spark partition accumulates many blocks
    }

    /**
     * ChannelMoments.addBlock: per-channel moments, min/max/NaN, the 3×3 co-moments and the planes' stats (integer
     * types: histograms and integer cross products in one sweep; float32: two sweeps per block).
     */
    @Benchmark
    @OperationsPerInvocation(C * MI_VALUES_PER_PLANE)
    public ChannelMoments addBlock() {
        moments.addBlock(block);
        return moments;
    }

    /** PlaneStats.of: the per-plane table's count/mean/std/min/max of one plane (integer: its histogram). */
    @Benchmark
    @OperationsPerInvocation(MI_VALUES_PER_PLANE)
    public PlaneStats planeStats() {
        return PlaneStats.of(block[0]);
    }

    /** int16 values v − 32768 of a uint16 plane (mostly negative). */
    private static Plane shifted(Plane u16) {
        short[] a = ((short[]) u16.pixels()).clone();
        for (int i = 0; i < a.length; i++) a[i] = (short) ((a[i] & 0xFFFF) - 32768);
        return new Plane(PixelType.I16, u16.width(), u16.height(), a);
    }

    /** uint8 values min(255, v / 16) of a uint16 plane. */
    private static Plane eightBit(Plane u16) {
        short[] a = (short[]) u16.pixels();
        byte[] b = new byte[a.length];
        for (int i = 0; i < a.length; i++) b[i] = (byte) Math.min(255, (a[i] & 0xFFFF) >> 4);
        return new Plane(PixelType.U8, u16.width(), u16.height(), b);
    }
}
