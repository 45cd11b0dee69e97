package io.highdim.bench;

import io.highdim.stats.ChannelMoments;
import io.highdim.stats.PlaneStats;
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
 * The statistics pass over decoded pixels, for one (z,t) block of C = 3 channels of 2048×2048, uint16 and float32.
 * Score: Mi pixel values per second (one op = 2^20 values of one channel; a block is 3 × 4 Mi values), so uint16
 * MiB/s = 2 × score and float32 MiB/s = 4 × score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MomentsBenchmark {
    private static final int C = 3;
    private static final int MI_VALUES_PER_PLANE = BenchPlanes.PIXELS >> 20;

    @Param({"U16", "F32"})
    public String type;

    private Plane[] block;
    private ChannelMoments moments;

    @Setup
    public void setup() {
        block = new Plane[C];
        for (int c = 0; c < C; c++) {
            block[c] = type.equals("U16") ? BenchPlanes.u16Plane(7, c) : BenchPlanes.f32Plane(7, c);
        }
        moments = new ChannelMoments(C);   // reused, as one Spark partition accumulates many blocks
    }

    /** ChannelMoments.addBlock: per-channel moments, min/max/NaN and the 3×3 co-moments (two sweeps per block). */
    @Benchmark
    @OperationsPerInvocation(C * MI_VALUES_PER_PLANE)
    public ChannelMoments addBlock() {
        moments.addBlock(block);
        return moments;
    }

    /** PlaneStats.of: the per-plane table's count/mean/std/min/max of one plane (also two sweeps). */
    @Benchmark
    @OperationsPerInvocation(MI_VALUES_PER_PLANE)
    public PlaneStats planeStats() {
        return PlaneStats.of(block[0]);
    }
}
