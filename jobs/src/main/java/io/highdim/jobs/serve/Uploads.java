package io.highdim.jobs.serve;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.Run;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.InputListing;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageResults;
import io.highdim.model.Rejection;
import io.highdim.model.RunStatus;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /upload}: the file goes to a temporary name in the upload folder, is indexed (header only, as
 * {@code ingest}), and only then takes its own name and gets its catalogue rows (one transaction). A bad file is
 * deleted and answered 400 with its typed reason; nothing of it stays. An existing name or image id is not
 * replaced (409): its stored results would no longer match the file. Uploads at once are kept apart by their image
 * ids, not their names ({@code ext1.tif} and {@code ext1.tiff} are both image {@code ext1}): the first claims the id
 * until its rows are committed or it is refused; the other is answered 409.
 */
final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
    /** A plain file name: no folders, no leading dot (temporary files start with one). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]*");

    private final CatalogueReader reader;
    private final CatalogueDatabase database;
    private final Path dir;
    private final long maxBytes;
    private final Configuration hadoop;
    /** Image ids of uploads in progress. */
    private final Set<String> claimed = new HashSet<>();

    Uploads(CatalogueDatabase database, CatalogueReader reader, Path dir, long maxBytes, Configuration hadoop) {
        this.database = database;
        this.reader = reader;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.hadoop = hadoop;
    }

    Path dir() { return dir; }

    long maxBytes() { return maxBytes; }

    /** Stores, indexes and catalogues one uploaded file; the answer's fields. */
    Map<String, Object> store(String submittedName, InputStream content) throws IOException {
        String name = fileName(submittedName);
        String baseId = InputListing.withoutExtension(name);
        List<String> held = new ArrayList<>();
        claim(baseId, held);
        try {
            return store(name, baseId, content, held);
        } finally {
            release(held);
        }
    }

    /** {@code held}: the image ids this upload claimed, to which a file of several images adds its others. */
    private Map<String, Object> store(String name, String baseId, InputStream content, List<String> held)
            throws IOException {
        Path target = dir.resolve(name);
        if (!target.getParent().equals(dir)) throw ApiError.badRequest("the file name '" + name + "' names a folder");
        if (Files.exists(target)) throw conflict("a file named " + name + " was uploaded already");
        // a hidden name (never listed as an input) with the folder's usual permissions (createTempFile: owner only)
        Path temp = Files.createFile(dir.resolve(".upload-" + UUID.randomUUID() + ".part"));
        boolean moved = false;
        try {
            copy(content, temp);
            List<ImageIndex> images = index(temp);
            List<ImageOutcome> outcomes = new ArrayList<>();
            String uri = new org.apache.hadoop.fs.Path(target.toAbsolutePath().toUri()).toString();
            InputListing.ListedFile file = new InputListing.ListedFile(uri, Files.size(temp), baseId);
            for (ImageIndex i : images) {
                AcceptedImage image = AcceptedImage.of(file, i);   // its id as a run over the folder would give it
                if (!held.contains(image.imageId())) claim(image.imageId(), held);
                if (reader.image(image.imageId()).isPresent()) {
                    throw conflict("the catalogue has an image " + image.imageId() + " already; rename the file");
                }
                outcomes.add(new ImageOutcome.Processed(image.ref(), image.geometry(), i.warnings(),
                        ImageResults.planesOnly(image.planeLocations())));
            }
            try {
                Files.move(temp, target); // never over another file
            } catch (FileAlreadyExistsException e) {
                throw conflict("a file named " + name + " was uploaded already");
            }
            moved = true;
            catalogue(uri, name, outcomes);
            List<String> ids = outcomes.stream().map(ImageOutcome::imageId).toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("message", "stored " + name + " and indexed its header: " + ids.size() + " image(s); "
                    + "scripts/highdim run " + uri + " computes statistics, PCA and slices");
            answer.put("image_id", ids.get(0));
            if (ids.size() > 1) answer.put("image_ids", ids);
            return answer;
        } catch (IOException | RuntimeException e) {
            if (moved) Files.deleteIfExists(target); // the rows were not committed: no file without its row
            throw e;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Takes image id {@code id} for this upload (adding it to {@code held}); 409 when another upload holds it. */
    private void claim(String id, List<String> held) {
        synchronized (claimed) {
            if (!claimed.add(id)) throw conflict("another upload of image " + id + " is in progress");
        }
        held.add(id);
    }

    private void release(List<String> held) {
        synchronized (claimed) {
            claimed.removeAll(held);
        }
    }

    /** The submitted name without any folder; 400 unless a plain TIFF file name. */
    static String fileName(String submitted) {
        if (submitted != null) ServiceApi.plainText("the file name", submitted);
        String name = submitted == null ? "" : submitted.substring(Math.max(submitted.lastIndexOf('/'),
                submitted.lastIndexOf('\\')) + 1);
        if (!NAME.matcher(name).matches() || name.length() > 200) {
            throw ApiError.badRequest("the file name '" + name + "' is not a plain file name "
                    + "(letters, digits, . _ + -)");
        }
        if (InputListing.withoutExtension(name).equals(name)) {
            throw ApiError.badRequest("the file name '" + name + "' has no TIFF extension (.tif, .tiff, .btf, "
                    + ".tf8): later runs over the upload folder would not list it");
        }
        return name;
    }

    /** Streams the upload to {@code temp}, at most {@link #maxBytes}: 413 beyond. */
    private void copy(InputStream content, Path temp) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(temp)) {
            for (int n; (n = content.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) throw new ApiError(413, "the file is larger than " + maxBytes + " bytes");
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) throw ApiError.badRequest("NOT_A_TIFF: the file is empty");
    }

    /** The file's images, as ingest indexes them; a file the reader refuses is a 400 with the typed reason. */
    private List<ImageIndex> index(Path temp) {
        try (RangeReader in = HadoopRangeReader.open(temp.toUri().toString(), hadoop)) {
            return new TiffFormatReader().index(in, ReaderOptions.defaults());
        } catch (IOException e) {
            throw ApiError.badRequest(Rejection.of(e).text());
        }
    }

    /** The images' rows in one transaction, under a run of their own (so {@code show runs} lists uploads). */
    private void catalogue(String uri, String name, List<ImageOutcome> outcomes) {
        String runId = Run.newId("upload", Instant.now());
        try (Run run = Run.open(database, runId, "serve upload", List.of(uri), Map.of("upload", name), null)) {
            try {
                run.commit(outcomes, null); // no provenance: the next run over the folder reads it whole
            } catch (RuntimeException e) {
                try {
                    run.finish(RunStatus.FAILED, Run.reason(e), null);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            run.finish(RunStatus.SUCCEEDED, null, null);
        }
        LOG.info("upload: {} stored as {}, {} image(s) catalogued by run {}", name, uri, outcomes.size(), runId);
    }

    private static ApiError conflict(String message) {
        return new ApiError(409, message);
    }
}
