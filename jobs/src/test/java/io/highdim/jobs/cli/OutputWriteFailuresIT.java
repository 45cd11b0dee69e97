package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffPage;
import io.highdim.tiff.TiffStructure;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file under {@code --output} that cannot be written (a disk that fills: a real 2 MB tmpfs; a folder nobody may
 * write: {@code chattr +i}, which stops root too) ends the run with exit 1 and one line naming the file and the
 * system's reason; the images committed before it are reported on stdout as the catalogue holds them; an image not
 * committed (stopped by the full disk, or rejected after some planes were rendered, as a truncated TIFF is) leaves no
 * file, and no temporary file is left anywhere. We run as root (CI too): a mount that fails fails the test.
 */
class OutputWriteFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONF = Paths.get("..", "conf", "log4j2.properties").toAbsolutePath().normalize();
    /** A log line of conf/log4j2.properties: {@code HH:mm:ss LEVEL logger: message}. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) .*");

    @TempDir Path work;

    @Test
    void aDiskThatFillsFailsTheRunInOneLineAndKeepsOnlyCommittedImagesFiles() throws Exception {
        Path inputs = work.resolve("in");
        // 64 x 64 random uint16, 4 planes, 8- and 16-bit PNGs and projections: ~60 kB an image; 2 MB hold about 30
        Oracle.python("small_tiffs.py", inputs.toString(), "120", "--shape", "2,1,2,64,64", "--first", "9100");
        Files.copy(LocalFiles.externalTiffDir().resolve("broken_truncated.tif"), inputs.resolve("broken_truncated.tif"));
        Path out = Files.createDirectories(work.resolve("out"));
        mountTmpfs(out);
        try {
            List<String> args = new ArrayList<>(List.of("run", "--force", "--raw16", "--output", out.toString()));
            args.addAll(Cli.catalogueArgs());
            args.add(inputs.toString());
            // the launcher's own logging (conf/log4j2.properties: our stage lines on stderr), as a user sees it
            LauncherProcess.Result run = LauncherProcess.run(Duration.ofMinutes(5),
                    List.of("-Dlog4j2.configurationFile=" + CONF), args.toArray(new String[0]));

            assertEquals(1, run.exitCode(), run.toString());
            List<String> said = run.stderr().lines()
                    .filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches() && !l.startsWith("[Stage"))
                    .toList();
            assertEquals(1, said.size(), "one line besides the log's stage lines\n" + run);
            Matcher line = Pattern.compile("highdim: cannot write (/\\S+): No space left on device").matcher(said.get(0));
            assertTrue(line.matches(), said.get(0));
            Path named = Path.of(line.group(1));
            assertTrue(named.startsWith(out) && named.toString().endsWith(".png"), "the file, under the tmpfs: " + named);
            assertEquals(1, run.stderr().lines().filter(l -> l.contains("No space left on device")).count(),
                    "said once\n" + run.stderr());
            assertFalse(run.stderr().contains("\tat ") || run.stderr().contains("Exception"),
                    "no stack trace on the console\n" + run.stderr());

            // stdout: one line per image the catalogue holds from this run, nothing of the others
            Map<String, String> printed = new TreeMap<>();
            for (String l : run.stdout().lines().filter(l -> !l.isBlank()).toList()) {
                JsonNode j = JSON.readTree(l);
                printed.put(j.get("image_id").asText(), j.get("status").asText());
            }
            Map<String, String> catalogued = catalogued(inputs);
            assertEquals(catalogued, printed, "the lines printed are the images committed");
            long ok = printed.values().stream().filter("ok"::equals).count();
            assertTrue(ok >= 3 && ok < 120, "some images committed before the disk filled, not all: " + ok);
            assertTrue(!"ok".equals(printed.get("broken_truncated")), "the truncated file is never ok");

            // the files: exactly those of the committed images' rows; none of another image, none partial or temporary
            assertEquals(catalogueFiles(inputs), filesUnder(out), "the output holds the committed images' files only");
            assertNoFileOf(out, "broken_truncated");
        } finally {
            unmount(out);
        }
    }

    /**
     * Rejected images leave no file: a truncated TIFF (rejected when indexed) and one whose 8th plane's strips are
     * garbage (its first 7 planes are rendered, then the image is rejected: their PNGs must go).
     */
    @Test
    void imagesRejectedAfterSomePlanesWereRenderedLeaveNoFile() throws Exception {
        Path out = work.resolve("out");
        Path in = Files.createDirectories(work.resolve("in"));
        Path truncated = Files.copy(LocalFiles.externalTiffDir().resolve("broken_truncated.tif"),
                in.resolve("truncated_render.tif"));
        Path source = LocalFiles.externalTiffDir().resolve("libtiff_lzw_pred_imagej_tzcyx_u16.tif");
        byte[] b = Files.readAllBytes(source);
        TiffPage page;
        try (RangeReader r = LocalFiles.open(source)) {
            page = TiffStructure.read(r, TiffStructure.DEFAULT_MAX_PLANE_BYTES).pages().get(7);
        }
        for (int s = 0; s < page.offsets().length; s++) {
            for (long i = page.offsets()[s]; i < page.offsets()[s] + page.byteCounts()[s]; i++) b[(int) i] = (byte) (i * 31);
        }
        Path corrupt = Files.write(in.resolve("corrupt_late_plane.tif"), b);
        List<String> args = new ArrayList<>(List.of("run", "--force", "--raw16", "--output", out.toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(truncated.toString());
        args.add(corrupt.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(3, run.exitCode(), run.stdout() + run.stderr());
        Map<String, String> reasons = new TreeMap<>();
        for (String l : run.lines()) {
            JsonNode j = JSON.readTree(l);
            assertEquals("rejected", j.get("status").asText(), l);
            reasons.put(j.get("image_id").asText(), j.get("reason").asText().replaceAll(":.*", ""));
        }
        assertEquals(Map.of("truncated_render", "TRUNCATED", "corrupt_late_plane", "CORRUPT_DATA"), reasons);
        assertNoFileOf(out, "truncated_render");
        assertNoFileOf(out, "corrupt_late_plane");
    }

    @Test
    void aFolderNobodyMayWriteFailsTheRunInOneLine() throws Exception {
        Path inputs = work.resolve("in");
        Oracle.python("small_tiffs.py", inputs.toString(), "3", "--shape", "2,1,2,16,16", "--first", "9300");
        Path out = Files.createDirectories(work.resolve("out"));
        // root writes through any mode bits; the immutable attribute stops it (EPERM)
        sh("chattr", "+i", out.toString());
        try {
            List<String> args = new ArrayList<>(List.of("run", "--force", "--output", out.toString()));
            args.addAll(Cli.catalogueArgs());
            args.add(inputs.toString());
            Cli.Result run = Cli.run(args.toArray(new String[0]));
            assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
            List<String> said = run.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, said.size(), run.stderr());
            assertTrue(said.get(0).matches("highdim: cannot write " + Pattern.quote(out.toString())
                    + "/s930[0-2]/slices/z\\d_t0_c\\d\\.png: Operation not permitted"), said.get(0));
            assertEquals("", run.stdout(), "no image committed");
            assertEquals(Map.of(), catalogued(inputs));
        } finally {
            sh("chattr", "-i", out.toString());
        }
        assertEquals(Set.of(), filesUnder(out));
    }

    /** image id -> status of the catalogue's images whose files are under {@code inputs} (URI or path). */
    static Map<String, String> catalogued(Path inputs) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement q = c.prepareStatement("select image_id, status from images where uri like ?")) {
            q.setString(1, "%" + inputs + "/%");
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) rows.put(r.getString(1), r.getString(2));
            }
        }
        return rows;
    }

    /** The local paths of the slices and projections the catalogue holds for the images of {@code inputs}. */
    private static Set<Path> catalogueFiles(Path inputs) throws Exception {
        Set<String> ids = catalogued(inputs).keySet();
        Set<Path> files = new TreeSet<>();
        try (Connection c = SharedCatalogue.database().connect()) {
            for (String table : List.of("slices", "projections")) {
                try (PreparedStatement q = c.prepareStatement("select image_id, uri from " + table)) {
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            if (!ids.contains(r.getString(1))) continue;
                            String uri = r.getString(2);
                            files.add(uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri));
                        }
                    }
                }
            }
        }
        return files;
    }

    private static Set<Path> filesUnder(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return new TreeSet<>(all.filter(Files::isRegularFile).toList());
        }
    }

    private static void assertNoFileOf(Path out, String imageId) throws Exception {
        Path dir = out.resolve(imageId);
        if (!Files.exists(dir)) return;
        assertEquals(Set.of(), filesUnder(dir), "no file of " + imageId);
    }

    static void mountTmpfs(Path dir) throws Exception {
        sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString());
    }

    static void unmount(Path dir) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() == 0) return;
            if (attempt == 20) throw new AssertionError("umount " + dir + " failed: " + said);
            Thread.sleep(250); // a task of the failed run may still be closing a file
        }
    }

    /** Runs a command; fails the test with its output if it fails (a mount refused is a failure, not a skip). */
    static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + said);
    }
}
