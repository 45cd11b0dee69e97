package io.highdim.jobs.report;

import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * The report: {@code index.html} listing the catalogue's images, and one self-contained page per ok image (all of
 * them, or the one asked for). Pages embed everything (CSS, Chart.js, data, PNGs as data: URIs): a page can be
 * mailed or opened offline.
 */
public final class ReportWriter {
    private final CatalogueReader catalogue;
    private final Configuration hadoop;

    public ReportWriter(CatalogueReader catalogue, Configuration hadoop) {
        this.catalogue = catalogue;
        this.hadoop = hadoop;
    }

    /** What was written: the index and each image's page, by image id. */
    public record Written(Path index, Map<String, Path> pages) {}

    /** Writes the report into {@code out} (made if missing; pages of the same names replaced). */
    public Written write(Path out, String onlyImageId) throws IOException {
        Files.createDirectories(out);
        List<CataloguedImage> images = catalogue.images();
        if (onlyImageId != null && images.stream().noneMatch(i -> i.imageId().equals(onlyImageId))) {
            throw new IllegalArgumentException("no image " + onlyImageId + " in the catalogue");
        }
        Map<String, Path> pages = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        Thumbnails thumbnails = new Thumbnails(hadoop);
        for (CataloguedImage image : images) {
            String name = fileName(image.imageId(), names);
            if (image.status() != ImageStatus.OK || image.geometry().isEmpty()) continue;
            Path page = out.resolve(name);
            if (onlyImageId == null || onlyImageId.equals(image.imageId())) {
                Files.writeString(page, new ImagePage(catalogue, thumbnails).render(image), StandardCharsets.UTF_8);
            }
            if (Files.exists(page)) pages.put(image.imageId(), page);
        }
        Path index = out.resolve("index.html");
        Files.writeString(index, index(images, pages), StandardCharsets.UTF_8);
        return new Written(index, pages);
    }

    /** Ids may hold '/', '#' and more: a safe file name, numbered when two ids map to the same one. */
    private static String fileName(String imageId, Set<String> taken) {
        String base = imageId.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base + ".html";
        for (int n = 2; !taken.add(name) || name.equals("index.html"); n++) name = base + "-" + n + ".html";
        return name;
    }

    private static String index(List<CataloguedImage> images, Map<String, Path> pages) {
        StringBuilder b = new StringBuilder("<h1>highdim report</h1>\n<p>").append(images.size())
                .append(" images in the catalogue.</p>\n<table>\n<tr><th class=\"text\">image</th>"
                        + "<th class=\"text\">status</th><th class=\"text\">dtype</th><th>Z</th><th>T</th><th>C</th>"
                        + "<th>Y</th><th>X</th><th class=\"text\">uri</th>"
                        + "<th class=\"text\">reason / warnings</th></tr>\n");
        for (CataloguedImage i : images) {
            Path page = pages.get(i.imageId());
            b.append("<tr><td class=\"text\">");
            if (page != null) {
                b.append("<a href=\"").append(Html.escape(page.getFileName())).append("\">")
                        .append(Html.escape(i.imageId())).append("</a>");
            } else {
                b.append(Html.escape(i.imageId()));
            }
            b.append("</td><td class=\"text").append(i.status() == ImageStatus.OK ? "" : " rejected").append("\">")
                    .append(i.status().label()).append("</td>");
            ImageGeometry g = i.geometry().orElse(null);
            b.append("<td class=\"text\">").append(g == null ? "" : Html.escape(g.dtype())).append("</td>");
            for (Object v : g == null ? new Object[] {"", "", "", "", ""}
                    : new Object[] {g.sizeZ(), g.sizeT(), g.sizeC(), g.height(), g.width()}) {
                b.append("<td>").append(v).append("</td>");
            }
            String notes = i.reason() != null ? i.reason() : String.join("; ", i.warnings());
            b.append("<td class=\"text\">").append(Html.escape(i.ref().uri())).append("</td><td class=\"text\">")
                    .append(Html.escape(notes)).append("</td></tr>\n");
        }
        return Html.page("highdim report", b.append("</table>\n").toString(), null, 0);
    }
}
