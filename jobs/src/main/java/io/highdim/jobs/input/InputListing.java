package io.highdim.jobs.input;

import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Input arguments (paths, globs, folders, URIs of any Hadoop filesystem) expanded to TIFF files, each with an id
 * that is unique in the run before any file is opened.
 *
 * <p>An image's id is its file name without the TIFF extension. When two inputs would get the same id (e.g.
 * {@code a/x.tif} and {@code b/x.tif}), those files' ids become their paths relative to the common parent of all
 * inputs, without the extension ({@code a/x}, {@code b/x}); with the extension if even that collides. Files holding
 * several images append {@code #N} per image.
 */
public final class InputListing {
    private static final String[] EXTENSIONS = {".ome.tiff", ".ome.tif", ".tiff", ".tif", ".btf", ".tf8"};

    /** A file to index, with the id its image(s) get. */
    public record ListedFile(String uri, long bytes, String baseId) implements Serializable {
        /** The id of image {@code series} of the {@code imageCount} images in this file. */
        public String imageId(int series, int imageCount) {
            return imageCount > 1 ? baseId + "#" + series : baseId;
        }
    }

    /** What the filesystem says of a listed file, for its fingerprint. {@code etag}: null where there is none. */
    public record FileStat(long bytes, long modified, String etag) implements Serializable {}

    /**
     * The files found (with what the filesystem said of each, by uri), and the inputs that named nothing readable.
     */
    public record Listing(List<ListedFile> files, Map<String, FileStat> stats, List<ImageOutcome.Rejected> unreadable) {
        /** The same listing with only the files {@code keep} accepts (the unreadable inputs stay). */
        public Listing only(java.util.function.Predicate<ListedFile> keep) {
            return new Listing(files.stream().filter(keep).toList(), stats, unreadable);
        }
    }

    private record Found(String uri, FileStat stat, Rejection problem) {
        long bytes() { return stat == null ? 0 : stat.bytes(); }
    }

    private InputListing() {}

    public static Listing list(List<String> inputs, Configuration conf) {
        Map<String, Found> found = new LinkedHashMap<>(); // by uri: an input named twice is one file
        for (String input : inputs) {
            for (Found f : expand(input, conf)) found.putIfAbsent(f.uri(), f);
        }
        Map<String, String> ids = uniqueIds(new ArrayList<>(found.keySet()));
        List<ListedFile> files = new ArrayList<>();
        Map<String, FileStat> stats = new HashMap<>();
        List<ImageOutcome.Rejected> unreadable = new ArrayList<>();
        for (Found f : found.values()) {
            String id = ids.get(f.uri());
            if (f.problem() == null) {
                files.add(new ListedFile(f.uri(), f.bytes(), id));
                stats.put(f.uri(), f.stat());
            } else {
                unreadable.add(new ImageOutcome.Rejected(new ImageRef(id, f.uri(), 0, 0, 0), Optional.empty(),
                        List.of(), f.problem()));
            }
        }
        return new Listing(files, stats, unreadable);
    }

    /**
     * The files an input names (a file, a folder's TIFF-named entries, or what a glob matches), each regular file
     * with its stat and anything else with why it cannot be read: a FIFO, socket, device or folder named like a TIFF
     * ({@code NOT_A_FILE}, rejected before anything opens it: a FIFO would block the first read), a dangling symbolic
     * link or a loop ({@code NOT_FOUND}); an input that holds no TIFF at all is one {@code NOT_FOUND}.
     */
    private static List<Found> expand(String input, Configuration conf) {
        List<Found> out = new ArrayList<>();
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                return List.of(new Found(fs.makeQualified(path).toString(), null,
                        new Rejection(RejectReason.NOT_FOUND, "not found: no file matches " + input)));
            }
            boolean local = isLocal(fs);
            for (FileStatus s : matches) {
                if (s.isDirectory() && !isTiffName(s.getPath().getName())) {
                    out.addAll(listFolder(fs, s.getPath(), local));
                } else {
                    out.add(found(s, local));
                }
            }
            if (out.isEmpty()) {
                return List.of(new Found(fs.makeQualified(path).toString(), null,
                        new Rejection(RejectReason.NOT_FOUND, "no TIFF file in " + input)));
            }
        } catch (IOException | IllegalArgumentException e) {
            out.add(new Found(input, null, new Rejection(RejectReason.CANNOT_LIST, "cannot list " + input + ": " + e)));
        }
        return out;
    }

    /** A folder's TIFF-named entries (not its subfolders' ones), by path: the same order on every filesystem. */
    private static List<Found> listFolder(FileSystem fs, Path dir, boolean local) throws IOException {
        List<Found> out = new ArrayList<>();
        if (local) {
            // one stat an entry: Hadoop's local listing takes several, and leaves out what it cannot stat (dangling
            // links, loops), which a second walk then had to find
            String prefix = dir.toString().endsWith("/") ? dir.toString() : dir + "/";
            for (LocalEntries.Entry e : LocalEntries.tiffEntries(java.nio.file.Path.of(dir.toUri()))) {
                // Hadoop's Path parses and normalizes each name: a plain one is appended as it is
                String uri = PLAIN_NAME.matcher(e.name()).matches() ? prefix + e.name()
                        : new Path(dir, e.name()).toString();
                out.add(e.problem() != null ? new Found(uri, null, e.problem())
                        : new Found(uri, new FileStat(e.bytes(), e.modified(), null), null));
            }
        } else {
            for (FileStatus f : fs.listStatus(dir)) {
                if (isTiffName(f.getPath().getName())) out.add(found(f, false));
            }
        }
        out.sort(java.util.Comparator.comparing(Found::uri));
        return out;
    }

    /** A listed entry: a regular file to read, or why it is not one (asked without opening it). */
    private static Found found(FileStatus s, boolean local) {
        Path p = s.getPath();
        String where = local ? java.nio.file.Path.of(p.toUri()).toString() : p.toString();
        if (s.isDirectory()) {
            return new Found(p.toString(), null,
                    new Rejection(RejectReason.NOT_A_FILE, where + " is a directory, not a file"));
        }
        if (local) {
            Optional<Rejection> special = LocalEntries.notARegularFile(java.nio.file.Path.of(p.toUri()));
            if (special.isPresent()) return new Found(p.toString(), null, special.get());
        } else if (!s.isFile()) {
            return new Found(p.toString(), null,
                    new Rejection(RejectReason.NOT_A_FILE, where + " is not a regular file"));
        }
        return new Found(p.toString(), stat(s), null);
    }

    /** Hadoop's local filesystem (plain, or with checksums): one that reports a FIFO as a file. */
    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static FileStat stat(FileStatus s) {
        // object stores (s3a, abfs, gs) give an ETag: a rewrite with the same length and time still differs
        String etag = s instanceof EtagSource e ? e.getEtag() : null;
        return new FileStat(s.getLen(), s.getModificationTime(), etag);
    }

    /**
     * The files whose image ids may collide once series are numbered: {@code x#0.tif} beside {@code x.tif}, which
     * names its images {@code x#0}, {@code x#1} if it holds several. Both are indexed before any pixel is read, so
     * which one keeps the id does not depend on the order tasks finish.
     */
    public static Set<String> mayCollide(List<ListedFile> files) {
        Map<String, String> uriById = new HashMap<>();
        for (ListedFile f : files) uriById.put(f.baseId(), f.uri());
        Set<String> out = new HashSet<>();
        for (ListedFile f : files) {
            Matcher m = SERIES_ID.matcher(f.baseId());
            if (m.matches() && uriById.containsKey(m.group(1))) {
                out.add(f.uri());
                out.add(uriById.get(m.group(1)));
            }
        }
        return out;
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern SERIES_ID = Pattern.compile("(.*)#[0-9]+");

    static boolean isTiffName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".btf") || n.endsWith(".tf8");
    }

    /** Ids by uri: the file name without extension, or for colliding names the path below the common parent. */
    static Map<String, String> uniqueIds(List<String> uris) {
        Map<String, List<String>> byName = new HashMap<>();
        for (String uri : uris) byName.computeIfAbsent(withoutExtension(name(uri)), k -> new ArrayList<>()).add(uri);
        String parent = commonParent(uris);
        Map<String, String> ids = new HashMap<>();
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            if (e.getValue().size() == 1) {
                ids.put(e.getValue().get(0), e.getKey());
                continue;
            }
            List<String> relative = e.getValue().stream().map(u -> withoutExtension(u.substring(parent.length())))
                    .toList();
            boolean distinct = relative.stream().distinct().count() == relative.size();
            for (int i = 0; i < relative.size(); i++) {
                String uri = e.getValue().get(i);
                ids.put(uri, distinct ? relative.get(i) : uri.substring(parent.length()));
            }
        }
        return ids;
    }

    /** The longest common prefix of the uris that ends with '/'. */
    private static String commonParent(List<String> uris) {
        if (uris.isEmpty()) return "";
        String prefix = uris.get(0).substring(0, uris.get(0).lastIndexOf('/') + 1);
        for (String uri : uris) {
            while (!uri.startsWith(prefix)) prefix = prefix.substring(0, prefix.lastIndexOf('/', prefix.length() - 2) + 1);
        }
        return prefix;
    }

    private static String name(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    /** A file name without its TIFF extension (.tif, .tiff, .ome.tif, .btf, ...). */
    public static String withoutExtension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) {
            if (lower.endsWith(ext)) return name.substring(0, name.length() - ext.length());
        }
        return name;
    }
}
