package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading into reused {@link PlaneBuffer}s: the same planes as reading into new arrays, the buffer's array kept while
 * the plane fits and replaced by one of exactly the plane's size otherwise, and no allocation per plane.
 */
class PlaneBufferTest {

    /**
     * One reader and one buffer for every stored plane of every readable corpus file, against tifffile's sha256
     * (expected.json): the buffer changes size and type between files, and the reader's scratch serves strips, tiles,
     * chunky and planar pages, every codec, both byte orders and float16. Then each file's first image read stack by
     * stack into one buffer per channel, as the Spark pass reads it: the C planes of a stack stay valid together.
     */
    @Test
    void everyCorpusPlaneReadsIntoReusedBuffersAsTifffileDecodedIt() throws Exception {
        Path dir = LocalFiles.externalTiffDir();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        TiffFormatReader reader = new TiffFormatReader(), fresh = new TiffFormatReader();
        PlaneBuffer buffer = new PlaneBuffer();
        int planes = 0, stacks = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().path("readable").asBoolean(true)) continue;
            try (RangeReader in = LocalFiles.open(dir.resolve(e.getKey()))) {
                TiffStructure tiff = TiffStructure.read(in, TiffStructure.DEFAULT_MAX_PLANE_BYTES);
                for (JsonNode plane : e.getValue().get("planes")) {
                    int page = plane.get("page").asInt(), sample = plane.get("sample").asInt();
                    Plane p = reader.readPage(in, tiff.pages().get(page), tiff.bigEndian(), sample, buffer);
                    assertEquals(plane.get("sha256").asText(), PlaneChecksums.sha256(p),
                            e.getKey() + " page " + page + " sample " + sample);
                    assertEquals(p.size(), java.lang.reflect.Array.getLength(p.pixels()), "exactly the plane's size");
                    planes++;
                }
                ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
                PlaneBuffer[] perChannel = PlaneBuffer.perChannel(image.sizeC());
                Plane[] stack = new Plane[image.sizeC()];
                for (int z = 0; z < image.sizeZ(); z++) {
                    for (int t = 0; t < image.sizeT(); t++, stacks++) {
                        for (int c = 0; c < stack.length; c++) stack[c] = reader.readPlane(image, in, z, t, c, perChannel[c]);
                        for (int c = 0; c < stack.length; c++) {
                            assertEquals(PlaneChecksums.sha256(fresh.readPlane(image, in, z, t, c)),
                                    PlaneChecksums.sha256(stack[c]), e.getKey() + " z=" + z + " t=" + t + " c=" + c);
                        }
                    }
                }
            }
        }
        assertTrue(planes > 500 && stacks > 100, planes + " planes, " + stacks + " stacks");
    }

    @Test
    void aBufferKeepsItsArrayWhileThePlaneFitsAndOtherwiseHoldsExactlyTheNewPlane() throws Exception {
        TiffFormatReader reader = new TiffFormatReader();
        PlaneBuffer buffer = new PlaneBuffer();
        ByteArrayRangeReader u16File = new ByteArrayRangeReader("u16", new TinyTiff()
                .page(16, 8, u16Bytes(16 * 8, 0), null).tag(258, 16)
                .page(16, 8, u16Bytes(16 * 8, 1000), null).tag(258, 16).bytes());
        ImageIndex u16 = reader.index(u16File, ReaderOptions.defaults()).get(0);
        Plane first = reader.readPlane(u16, u16File, 0, 0, 0, buffer);
        assertEquals(5.0, first.valueAt(5));
        Plane second = reader.readPlane(u16, u16File, 1, 0, 0, buffer);
        assertSame(first.pixels(), second.pixels(), "the buffer's array is reused");
        assertEquals(1005.0, first.valueAt(5), "ownership: the earlier plane is overwritten by the next read");

        ByteArrayRangeReader u8File = new ByteArrayRangeReader("u8", new TinyTiff().page(5, 3, TinyTiff.ramp(15), null).bytes());
        Plane small = reader.readPlane(reader.index(u8File, ReaderOptions.defaults()).get(0), u8File, 0, 0, 0, buffer);
        assertEquals(15, ((byte[]) small.pixels()).length, "another type: a new array of exactly the plane");
        Plane again = reader.readPlane(u16, u16File, 0, 0, 0, buffer);
        assertNotSame(first.pixels(), again.pixels());
        assertEquals(16 * 8, ((short[]) again.pixels()).length);
        assertArrayEquals((short[]) new TiffFormatReader().readPlane(u16, u16File, 0, 0, 0).pixels(),
                (short[]) again.pixels());
    }

    /** After the first plane, reading into the same buffer allocates (almost) nothing: no array per plane. */
    @Test
    void aReusedBufferReadsPlanesWithoutAllocatingArrays() throws Exception {
        int w = 256, h = 256;
        TinyTiff tiff = new TinyTiff();
        for (int k = 0; k < 4; k++) tiff.page(w, h, u16Bytes(w * h, k), null).tag(258, 16);
        TiffFormatReader reader = new TiffFormatReader();
        ByteArrayRangeReader in = new ByteArrayRangeReader("u16", tiff.bytes());
        ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
        PlaneBuffer buffer = new PlaneBuffer();
        for (int z = 0; z < 4; z++) reader.readPlane(image, in, z, 0, 0, buffer);   // warm: buffers exist now
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 100; k++) reader.readPlane(image, in, k % 4, 0, 0, buffer);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 100 * 1024, "100 planes of " + w * h * 2 + " bytes allocated " + allocated + " bytes");
    }

    // --- helpers

    /** n little-endian uint16 values base, base + 1, ... */
    static byte[] u16Bytes(int n, int base) {
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putShort((short) (base + i));
        return b.array();
    }
}
