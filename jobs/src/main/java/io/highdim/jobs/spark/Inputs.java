package io.highdim.jobs.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Input arguments (paths, globs, folders, URIs of any Hadoop filesystem) expanded to TIFF files. */
public final class Inputs {
    private Inputs() {}

    /** A file to ingest, or an input that named nothing readable ({@code problem} set). */
    public record InputFile(String uri, long bytes, String problem) implements Serializable {}

    public static List<InputFile> expand(List<String> inputs, Configuration conf) {
        List<InputFile> out = new ArrayList<>();
        for (String input : inputs) {
            try {
                Path path = new Path(input);
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    out.add(new InputFile(input, 0, "not found"));
                    continue;
                }
                for (FileStatus s : matches) {
                    if (s.isDirectory()) {
                        for (FileStatus f : fs.listStatus(s.getPath())) {
                            if (f.isFile() && isTiffName(f.getPath().getName())) {
                                out.add(new InputFile(f.getPath().toString(), f.getLen(), null));
                            }
                        }
                    } else {
                        out.add(new InputFile(s.getPath().toString(), s.getLen(), null));
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                out.add(new InputFile(input, 0, "cannot list: " + e.getMessage()));
            }
        }
        return out;
    }

    static boolean isTiffName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".btf") || n.endsWith(".tf8");
    }

    /** An image's id: the file name without its TIFF extension, "#N" appended for files holding several. */
    public static String imageId(String uri, int series, int imageCount) {
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".ome.tiff", ".ome.tif", ".tiff", ".tif", ".btf", ".tf8"}) {
            if (lower.endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
                break;
            }
        }
        return imageCount > 1 ? name + "#" + series : name;
    }
}
