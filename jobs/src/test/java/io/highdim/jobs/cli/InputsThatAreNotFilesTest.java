package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are not regular files, made for real ({@code mkfifo}, a bound AF_UNIX socket, a folder named like a
 * TIFF, a link to a device, a dangling symbolic link, a link loop): each is a typed row naming the file, never opened
 * (a FIFO blocks the first read until a writer comes: the timeouts fail the test instead of hanging it), and the
 * good file beside them is processed. Inputs that hold no TIFF at all are one {@code NOT_FOUND} each, exit 3.
 */
class InputsThatAreNotFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();

    @TempDir Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void specialEntriesOfAFolderAreTypedRowsAndTheGoodFileIsRead() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"), in.resolve("nf_good.tif"));
        Oracle.run(List.of("mkfifo", in.resolve("nf_fifo.tif").toString()));
        Oracle.pythonCode(null, "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
                in.resolve("nf_socket.tif").toString());
        Files.createDirectories(in.resolve("nf_folder.tif"));
        Files.createSymbolicLink(in.resolve("nf_device.tif"), Path.of("/dev/null"));
        Files.createSymbolicLink(in.resolve("nf_dangling.tif"), dir.resolve("gone.tif"));
        Files.createSymbolicLink(in.resolve("nf_loop.tif"), in.resolve("nf_loop.tif"));
        Files.createSymbolicLink(in.resolve("notes.txt"), dir.resolve("gone.txt")); // not a TIFF name: not an input

        Cli.Result r = run(in.toString());
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        Map<String, String> rows = rows(r);
        assertEquals(7, rows.size(), r.stdout());
        assertEquals("ok", rows.get("nf_good"));
        assertEquals("NOT_A_FILE: " + in.resolve("nf_fifo.tif") + " is a FIFO (named pipe), not a regular file",
                rows.get("nf_fifo"));
        assertEquals("NOT_A_FILE: " + in.resolve("nf_socket.tif") + " is a socket, not a regular file",
                rows.get("nf_socket"));
        assertEquals("NOT_A_FILE: " + in.resolve("nf_folder.tif") + " is a directory, not a file",
                rows.get("nf_folder"));
        assertEquals("NOT_A_FILE: " + in.resolve("nf_device.tif") + " is a character device, not a regular file",
                rows.get("nf_device"));
        assertEquals("NOT_FOUND: " + in.resolve("nf_dangling.tif") + " is a symbolic link to " + dir.resolve("gone.tif")
                + ", which does not exist", rows.get("nf_dangling"));
        assertEquals("NOT_FOUND: " + in.resolve("nf_loop.tif") + " is a symbolic link to " + in.resolve("nf_loop.tif")
                + " that cannot be followed (it loops: too many levels of symbolic links)", rows.get("nf_loop"));

        // the catalogue holds the same typed reasons
        assertEquals(rows.get("nf_fifo"), storedReason("nf_fifo"));
        assertEquals(rows.get("nf_dangling"), storedReason("nf_dangling"));

        // named directly, a FIFO is refused the same way, as is a device
        Cli.Result direct = run(in.resolve("nf_fifo.tif").toString(), "/dev/null");
        assertEquals(3, direct.exitCode(), direct.stdout() + direct.stderr());
        Map<String, String> directRows = rows(direct);
        assertEquals(rows.get("nf_fifo"), directRows.get("nf_fifo"));
        assertEquals("NOT_A_FILE: /dev/null is a character device, not a regular file", directRows.get("null"));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inputsWithNoTiffAreOneNotFoundEach() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nf_empty"));
        Path notes = Files.createDirectories(dir.resolve("nf_notes"));
        Files.writeString(notes.resolve("readme.txt"), "no images here");
        // a subfolder's files are not listed
        Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"),
                Files.createDirectories(notes.resolve("sub")).resolve("deeper.tif"));

        Cli.Result r = run(empty.toString(), notes.toString());
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(2, r.lines().size(), r.stdout());
        assertEquals(Map.of("nf_empty", "NOT_FOUND: no TIFF file in " + empty,
                "nf_notes", "NOT_FOUND: no TIFF file in " + notes), rows(r));
    }

    private static Cli.Result run(String... inputs) {
        List<String> a = new ArrayList<>(List.of("run", "--no-slices"));
        a.addAll(Cli.catalogueArgs());
        a.addAll(List.of(inputs));
        return Cli.run(a.toArray(new String[0]));
    }

    /** By image id: "ok", or the rejection's reason as printed. */
    private static Map<String, String> rows(Cli.Result r) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String line : r.lines()) {
            JsonNode j = JSON.readTree(line);
            out.put(j.get("image_id").asText(), j.get("reason").isNull() ? j.get("status").asText()
                    : j.get("reason").asText());
            assertTrue(line.indexOf('\n') < 0);
        }
        return out;
    }

    private static String storedReason(String imageId) throws Exception {
        String v = CatalogueRows.scalar(SharedCatalogue.database(),
                "select status || ' ' || reason from images where image_id = ?", imageId);
        assertTrue(v != null && v.startsWith("rejected "), imageId + ": " + v);
        return v.substring("rejected ".length());
    }
}
