package io.highdim.jobs.catalogue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.highdim.jobs.testkit.SharedCatalogue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Histogram bins packed by the pipeline ({@link PackedLongs}) read back the same in Java and through the catalogue's
 * SQL function {@code highdim_unpack_bigints} (what the view channel_histograms shows), and the migration's
 * {@code highdim_pack_bigints} packs as the pipeline does: every width from 1 to 8 bytes, at the edges of each; the
 * same for bin indices packed as gaps ({@code highdim_unpack_gaps}, {@code highdim_pack_gaps}).
 */
class PackedLongsTest {
    @Test
    void packedValuesReadBackTheSameInJavaAndInSql() throws Exception {
        List<long[]> cases = new ArrayList<>(List.of(new long[0], new long[] {0}, new long[] {-1},
                new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {65535, 3, 7}));
        for (int w = 1; w <= 8; w++) {
            long max = w == 8 ? Long.MAX_VALUE : (1L << (8 * w - 1)) - 1, min = -max - 1;
            cases.add(new long[] {max, min, 0, 1, -1});
            cases.add(new long[] {min});
        }
        Random random = new Random(23);
        for (int n = 0; n < 20; n++) {
            long[] values = new long[1 + random.nextInt(1024)];
            int bits = 1 + random.nextInt(63);
            for (int i = 0; i < values.length; i++) values[i] = random.nextLong() >> (64 - bits);
            cases.add(values);
        }
        assertJavaAndSqlAgree(cases, PackedLongs::pack, PackedLongs::unpack, "highdim_pack_bigints",
                "highdim_unpack_bigints");
    }

    /**
     * Bin indices packed as gaps ({@link PackedLongs#packGaps}) read back in Java and through the SQL function
     * {@code highdim_unpack_gaps} (the view channel_histograms) as the values given, and the migration's
     * {@code highdim_pack_gaps} packs them as Java does: empty, one value, extremes whose gaps overflow a long.
     */
    @Test
    void indicesPackedAsGapsReadBackTheSameInJavaAndInSql() throws Exception {
        List<long[]> cases = new ArrayList<>(List.of(new long[0], new long[] {0}, new long[] {Long.MIN_VALUE},
                new long[] {Long.MAX_VALUE}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
                new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0}, new long[] {-32768, -1, 0, 1, 65535},
                new long[] {3, 7, 65535}, new long[] {70000, 70001, 70002}));
        Random random = new Random(11);
        for (int n = 0; n < 20; n++) {
            long[] values = new long[1 + random.nextInt(1024)];
            long at = random.nextLong() >> random.nextInt(64);
            for (int i = 0; i < values.length; i++) values[i] = at += 1 + random.nextInt(1 << random.nextInt(20));
            cases.add(values);
        }
        assertJavaAndSqlAgree(cases, PackedLongs::packGaps, PackedLongs::unpackGaps, "highdim_pack_gaps",
                "highdim_unpack_gaps");
    }

    /**
     * Each case packed in Java reads back in Java and through the SQL unpacking function as the values given, and the
     * SQL packing function packs it to the same bytes.
     */
    private static void assertJavaAndSqlAgree(List<long[]> cases, Function<long[], byte[]> pack,
                                              Function<byte[], long[]> unpack, String sqlPack, String sqlUnpack)
            throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement sqlUnpacks = c.prepareStatement("select " + sqlUnpack + "(?)");
             PreparedStatement sqlPacks = c.prepareStatement("select " + sqlPack + "(?)")) {
            for (long[] values : cases) {
                byte[] packed = pack.apply(values);
                assertArrayEquals(values, unpack.apply(packed));
                sqlUnpacks.setBytes(1, packed);
                try (ResultSet r = sqlUnpacks.executeQuery()) {
                    r.next();
                    Object[] sql = (Object[]) r.getArray(1).getArray();
                    assertEquals(values.length, sql.length);
                    for (int i = 0; i < values.length; i++) assertEquals(values[i], ((Number) sql[i]).longValue());
                }
                Long[] boxed = new Long[values.length];
                for (int i = 0; i < values.length; i++) boxed[i] = values[i];
                sqlPacks.setArray(1, c.createArrayOf("int8", boxed));
                try (ResultSet r = sqlPacks.executeQuery()) {
                    r.next();
                    assertArrayEquals(packed, r.getBytes(1), sqlPack + " packs " + values.length
                            + " values as Java does");
                }
            }
        }
    }

    @Test
    void closeIndicesTakeAByteEach() {
        assertEquals(1 + 4, PackedLongs.packGaps(new long[] {17, 22, 23, 120}).length);
        assertEquals(1 + 2 * 3, PackedLongs.packGaps(new long[] {1000, 1001, 1003}).length, "the first, 1000");
    }

    @Test
    void theWidthIsTheFewestBytesEveryValueFitsIn() {
        assertEquals(1 + 3, PackedLongs.pack(new long[] {1, -128, 127}).length);
        assertEquals(1 + 2 * 2, PackedLongs.pack(new long[] {128, 0}).length);
        assertEquals(1 + 3, PackedLongs.pack(new long[] {65535}).length);
        assertEquals(1 + 8, PackedLongs.pack(new long[] {Long.MIN_VALUE}).length);
    }

    @Test
    void bytesNotInTheFormatAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PackedLongs.unpack(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PackedLongs.unpack(new byte[] {9, 0}));
        assertThrows(IllegalArgumentException.class, () -> PackedLongs.unpack(new byte[] {2, 0, 0, 0}));
    }
}
