package io.highdim.bench;

import io.highdim.segment.ConnectedComponents;
import io.highdim.segment.ObjectMeasures;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
import java.util.Random;
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
 * A segmentation task's hot loops on a slab of 16 planes of 1024² holding blobs (spheres of radius 4 to 14, about 8 %
 * foreground, like scripts/bench's blob files): connected components at each connectivity, and the objects'
 * measures of the labelled slab with two uint16 channels. Score: Mi voxels per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SegmentBenchmark {
    private static final int NZ = 16, NY = 1024, NX = 1024, VOXELS = NZ * NY * NX;

    @Param({"6", "26"})
    public int connectivity;

    private boolean[] mask;
    private int[] labels;
    private int objects;
    private Plane[][] channels;

    @Setup
    public void setup() {
        mask = new boolean[VOXELS];
        Random random = new Random(11);
        for (int k = 0; k < 600; k++) {
            int cz = random.nextInt(NZ), cy = random.nextInt(NY), cx = random.nextInt(NX), r = 4 + random.nextInt(11);
            for (int z = Math.max(0, cz - r); z < Math.min(NZ, cz + r + 1); z++) {
                for (int y = Math.max(0, cy - r); y < Math.min(NY, cy + r + 1); y++) {
                    for (int x = Math.max(0, cx - r); x < Math.min(NX, cx + r + 1); x++) {
                        int dz = z - cz, dy = y - cy, dx = x - cx;
                        if (dz * dz + dy * dy + dx * dx <= r * r) mask[(z * NY + y) * NX + x] = true;
                    }
                }
            }
        }
        labels = new int[VOXELS];
        objects = ConnectedComponents.label(mask, NZ, NY, NX, connectivity, labels);
        channels = new Plane[NZ][2];
        for (int z = 0; z < NZ; z++) {
            for (int c = 0; c < 2; c++) {
                short[] p = new short[NY * NX];
                for (int i = 0; i < p.length; i++) p[i] = (short) (mask[z * NY * NX + i] ? 3000 + (i & 255) : 100 + (i & 15));
                channels[z][c] = new Plane(PixelType.U16, NX, NY, p);
            }
        }
    }

    /** ConnectedComponents.label: one raster scan with union-find, then the renumbering scan. */
    @Benchmark
    @OperationsPerInvocation(VOXELS >> 20)
    public int label() {
        return ConnectedComponents.label(mask, NZ, NY, NX, connectivity, labels);
    }

    /** ObjectMeasures.addPlane over the slab: voxels, centroids, boxes, and both channels' values. */
    @Benchmark
    @OperationsPerInvocation(VOXELS >> 20)
    public ObjectMeasures measure() {
        ObjectMeasures m = new ObjectMeasures(objects, new PixelType[] {PixelType.U16, PixelType.U16}, 0);
        for (int z = 0; z < NZ; z++) m.addPlane(labels, z * NY * NX, z, NY, NX, channels[z]);
        return m;
    }
}
