package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.SourceFingerprint;
import io.highdim.testkit.Oracle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental runs against a real catalogue: a rerun over unchanged files reads no pixel and reports every image
 * "unchanged"; a file rewritten in place (even with the same length and modification time) is recomputed alone; an
 * option that shapes the results recomputes the images; --force recomputes all; --dry-run says what a run would do
 * and why, and does nothing; a change past the hashed head is found by the file's time or length.
 */
class IncrementalRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void onlyWhatChangedIsRead() throws Exception {
        Oracle.python("small_tiffs.py", dir.toString(), "6", "--shape", "2,1,3,16,16");
        String input = dir.toString();

        Cli.Result first = run(input);
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals(Map.of("ok", 6), statuses(first));
        Run firstRun = latestRun(input);
        assertEquals(6, firstRun.ok());
        assertTrue(firstRun.bytesRead() >= 6L * 2 * 3 * 16 * 16 * 2, "the first run read every pixel");

        Cli.Result again = run(input);
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(Map.of("unchanged", 6), statuses(again));
        Run rerun = latestRun(input);
        assertEquals(new Run(0, 0, 6, 0, 0), rerun, "no pixel byte read, every image unchanged");

        // rewritten in place: same length, same modification time, other pixels: the header hash tells
        Path rewritten = dir.resolve("s0002.tif");
        FileTime time = Files.getLastModifiedTime(rewritten);
        long size = Files.size(rewritten);
        double before = channelMean("s0002");
        Oracle.python("small_tiffs.py", dir.toString(), "1", "--shape", "2,1,3,16,16", "--seed", "7", "--first", "2");
        Files.setLastModifiedTime(rewritten, time);
        assertEquals(size, Files.size(rewritten));

        Map<String, String> why = dryRun(input);
        assertEquals("read changed (head)", why.get("s0002"));
        assertEquals("skip unchanged", why.get("s0000"));
        assertEquals(6, why.size());
        assertEquals(rerun, latestRun(input), "a dry run records no run");

        Cli.Result third = run(input);
        assertEquals(Map.of("ok", 1, "unchanged", 5), statuses(third));
        assertTrue(third.stdout().contains("\"image_id\":\"s0002\",\"uri\":\"" + rewritten.toUri().toString()
                .replace("file:///", "file:/") + "\",\"status\":\"ok\""), third.stdout());
        assertNotEquals(before, channelMean("s0002"), "the rewritten file's rows were replaced");
        assertEquals(2L * 3 * 16 * 16 * 2, latestRun(input).bytesRead(), "only the rewritten file was read");

        // grown (appended bytes): changed
        Files.write(dir.resolve("s0004.tif"), new byte[16], java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Map.of("ok", 1, "unchanged", 5), statuses(run(input)));

        // a stored fingerprint with a field of another JSON type is none: it never matches; a length written as
        // 12345.0 is still a number, the same length
        try (Connection c = SharedCatalogue.database().connect(); var st = c.createStatement()) {
            st.executeUpdate("update images set source = jsonb_set(source, '{bytes}', to_jsonb(source->>'bytes')) "
                    + "where image_id = 's0001'");
            st.executeUpdate("update images set source = jsonb_set(source, '{bytes}', "
                    + "to_jsonb((source->>'bytes')::numeric + 0.0)) where image_id = 's0003'");
        }
        Map<String, String> tampered = dryRun(input);
        assertEquals("read changed (images)", tampered.get("s0001"));
        assertEquals("skip unchanged", tampered.get("s0003"));
        assertEquals(Map.of("ok", 1, "unchanged", 5), statuses(run(input)));

        // an option that shapes the results: every image again, with what the option asks
        Cli.Result three = Cli.run(args(input, "--components", "3"));
        assertEquals(Map.of("ok", 6), statuses(three));
        assertEquals(3, count("select count(*) from pca_components where image_id = 's0000'"));
        assertEquals(Map.of("unchanged", 6), statuses(Cli.run(args(input, "--components", "3"))));

        assertEquals(Map.of("ok", 6), statuses(Cli.run(args(input, "--components", "3", "--force"))));
    }

    /**
     * A file longer than the hashed head ({@value SourceFingerprint#HEAD_BYTES} bytes) whose change lies past it:
     * only the time (same length) or only the length (time set back) tells, and the file must be read again.
     */
    @Test
    void aChangePastTheHashedHeadIsFoundByTimeOrLength() throws Exception {
        // 1 x 256 x 256 uint16: 128 KiB of pixels after tifffile's header and IFD, so the tail is pixel data
        Oracle.python("small_tiffs.py", dir.toString(), "1", "--shape", "1,1,1,256,256", "--first", "900");
        Path file = dir.resolve("s0900.tif");
        String input = dir.toString();
        long size = Files.size(file);
        assertTrue(size > 2L * SourceFingerprint.HEAD_BYTES, "longer than twice the hashed head: " + size);
        assertEquals(Map.of("ok", 1), statuses(run(input)));
        assertEquals(Map.of("unchanged", 1), statuses(run(input)));
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), SourceFingerprint.HEAD_BYTES);
        double before = channelMean("s0900");

        // (a) same length, new time: the last 4 KiB of pixels zeroed in place
        FileTime time = Files.getLastModifiedTime(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), size - 4096);
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 60_000));
        assertEquals(size, Files.size(file));
        assertArrayEquals(head, Arrays.copyOf(Files.readAllBytes(file), SourceFingerprint.HEAD_BYTES));
        assertEquals("read changed (modified)", dryRunWhy(input, "s0900"));
        assertEquals(Map.of("ok", 1), statuses(run(input)));
        assertNotEquals(before, channelMean("s0900"), "the file was read again: its new pixels are catalogued");
        assertEquals(Map.of("unchanged", 1), statuses(run(input)));

        // (b) grown past the head, its time set back: only the length differs
        time = Files.getLastModifiedTime(file);
        Files.write(file, new byte[100], StandardOpenOption.APPEND);
        Files.setLastModifiedTime(file, time);
        assertArrayEquals(head, Arrays.copyOf(Files.readAllBytes(file), SourceFingerprint.HEAD_BYTES));
        assertEquals("read changed (bytes)", dryRunWhy(input, "s0900"));
        assertEquals(Map.of("ok", 1), statuses(run(input)));
        assertEquals(Map.of("unchanged", 1), statuses(run(input)));
    }

    /** What a dry run says it would do with the image's file: "action why (detail)". */
    private static String dryRunWhy(String input, String imageId) throws Exception {
        Cli.Result dry = Cli.run(args(input, "--dry-run"));
        assertEquals(0, dry.exitCode(), dry.stderr());
        for (String line : dry.lines()) {
            JsonNode j = JSON.readTree(line);
            if (j.get("image_id").asText().equals(imageId)) {
                return j.get("action").asText() + " " + j.get("why").asText()
                        + (j.get("detail").isNull() ? "" : " (" + j.get("detail").asText() + ")");
            }
        }
        throw new AssertionError("no line for " + imageId + " in\n" + dry.stdout());
    }

    @Test
    void slicesToARelativeFolderAreTheSameOptionsOnTheSecondRun() throws Exception {
        Oracle.python("small_tiffs.py", dir.toString(), "2", "--shape", "2,1,2,16,16");
        // relative, and not there before the first run: once it exists, its URI must not change (a trailing slash)
        String output = "target/incremental-slices-" + System.nanoTime();
        List<String> a = new ArrayList<>(List.of("run", "--z", "0", "--output", output));
        a.addAll(Cli.catalogueArgs());
        a.add(dir.toString());
        assertEquals(Map.of("ok", 2), statuses(Cli.run(a.toArray(new String[0]))));
        assertEquals(Map.of("unchanged", 2), statuses(Cli.run(a.toArray(new String[0]))));
    }

    @Test
    void segmentationOptionsAreResultOptions() throws Exception {
        Oracle.python("small_tiffs.py", dir.toString(), "3", "--shape", "4,1,2,16,16");
        String input = dir.toString();
        String output = dir.resolve("labels").toString();
        assertEquals(Map.of("ok", 3), statuses(Cli.run(segment(input, "--output", output))));
        assertEquals(Map.of("unchanged", 3), statuses(Cli.run(segment(input, "--output", output))));
        Cli.Result dry = Cli.run(segment(input, "--output", output, "--connectivity", "26", "--dry-run"));
        assertEquals(0, dry.exitCode(), dry.stderr());
        for (String line : dry.lines()) {
            JsonNode j = JSON.readTree(line);
            assertEquals("read", j.get("action").asText(), line);
            assertTrue(j.get("detail").asText().contains("segment"), "names the option that changed: " + line);
        }
        assertEquals(3, dry.lines().size());
        assertEquals(Map.of("ok", 3), statuses(Cli.run(segment(input, "--output", output, "--connectivity", "26"))));
        assertEquals(2, count("select count(*) from segmentations where image_id = 's0001' and connectivity = 26"),
                "the image's two (t, c) volumes replaced, with the new option");
        assertEquals(0, count("select count(*) from segmented_objects o join segmentations s using (image_id, t, c) "
                + "where s.image_id = 's0001' and s.connectivity <> 26"));
        assertEquals(Map.of("unchanged", 3),
                statuses(Cli.run(segment(input, "--output", output, "--connectivity", "26"))));
        assertEquals(Map.of("ok", 3), statuses(Cli.run(segment(input, "--output", output, "--connectivity", "26",
                "--threshold", "100"))));
    }

    private static String[] segment(String input, String... more) {
        List<String> a = new ArrayList<>(List.of("segment"));
        a.addAll(Cli.catalogueArgs());
        a.addAll(List.of(more));
        a.add(input);
        return a.toArray(new String[0]);
    }

    /** What a dry run says it would do with each image: "read changed (head)", "skip unchanged", ... */
    private static Map<String, String> dryRun(String input) throws Exception {
        Cli.Result dry = Cli.run(args(input, "--dry-run"));
        assertEquals(0, dry.exitCode(), dry.stderr());
        Map<String, String> why = new TreeMap<>();
        for (String line : dry.lines()) {
            JsonNode j = JSON.readTree(line);
            why.put(j.get("image_id").asText(), j.get("action").asText() + " " + j.get("why").asText()
                    + (j.get("detail").isNull() ? "" : " (" + j.get("detail").asText() + ")"));
        }
        return why;
    }

    private static Cli.Result run(String input) {
        return Cli.run(args(input));
    }

    private static String[] args(String input, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "--no-slices"));
        a.addAll(Cli.catalogueArgs());
        a.addAll(List.of(more));
        a.add(input);
        return a.toArray(new String[0]);
    }

    static Map<String, Integer> statuses(Cli.Result r) throws Exception {
        Map<String, Integer> n = new TreeMap<>();
        for (String line : r.lines()) n.merge(JSON.readTree(line).get("status").asText(), 1, Integer::sum);
        return n;
    }

    record Run(int ok, int rejected, int unchanged, int skipped, long bytesRead) {}

    private static Run latestRun(String input) throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement s = c.prepareStatement("select ok_count, rejected_count, unchanged_count, "
                     + "skipped_count, bytes_read from runs where inputs ->> 0 = ? order by started_at desc limit 1")) {
            s.setString(1, input);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "a run over " + input);
                return new Run(r.getInt(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getLong(5));
            }
        }
    }

    private static double channelMean(String imageId) throws Exception {
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement s = c.prepareStatement("select mean from channel_stats where image_id = ? and channel = 0")) {
            s.setString(1, imageId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                return r.getDouble(1);
            }
        }
    }

    private static long count(String sql) throws Exception {
        return CatalogueRows.number(SharedCatalogue.database(), sql);
    }
}
