package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.Chromium;
import io.highdim.jobs.testkit.Cli;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} over a run of the sample images, loaded in a real headless Chromium (Debian's {@code chromium}):
 * the pages run with no console message and no error (the browser's log, and the count our page keeps in its DOM),
 * every chart the page describes is drawn by Chart.js, the montage holds the projections and slices as data: URIs,
 * and the screenshot shows the charts' colours. A page with a deliberate error is caught by the same checks.
 */
class ReportInChromiumIT {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    @TempDir static Path work;
    private static Path report;

    @BeforeAll
    static void runAndReport() {
        List<String> run = new ArrayList<>(List.of("run", "--force", "--output",
                work.resolve("out").toUri().toString()));
        run.addAll(Cli.catalogueArgs());
        run.add(SAMPLES.toString());
        Cli.Result r = Cli.run(run.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        report = work.resolve("report");
        List<String> args = new ArrayList<>(List.of("report", "--out", report.toString()));
        args.addAll(Cli.catalogueArgs());
        Cli.Result written = Cli.run(args.toArray(new String[0]));
        assertEquals(0, written.exitCode(), written.stdout() + written.stderr());
        assertTrue(written.stdout().contains("\"index\":\"" + report.resolve("index.html") + "\""), written.stdout());
    }

    @Test
    void theImagePageDrawsItsChartsWithoutErrors() throws Exception {
        Path page = report.resolve("cells_ztcyx_u16.html");
        Chromium.Browser dom = Chromium.load(work, page, "--dump-dom");
        dom.assertClean();
        // 3 channel histograms, plane statistics along Z and T, PCA scree and loadings
        assertEquals("7", Chromium.attribute(dom.stdout(), "data-charts-expected"));
        assertEquals("7", Chromium.attribute(dom.stdout(), "data-charts-drawn"), "every chart drawn by Chart.js");
        assertEquals(7, Chromium.count(dom.stdout(), "<canvas id=\""));
        // 3 x 3 projections and 3 x 3 middle slices, embedded
        assertEquals(18, Chromium.count(dom.stdout(), "src=\"data:image/png;base64,"));
        assertEquals(0, Chromium.count(dom.stdout(), "missing: "));

        Path png = work.resolve("cells.png");
        Chromium.Browser shot = Chromium.load(work, page, "--screenshot=" + png, "--window-size=1280,2000");
        shot.assertClean();
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        // the charts' colours: channel 0 blue (#1f77b4), channel 1 red (#d62728); the PNGs and text are grey
        int blue = 0, red = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y), r = rgb >> 16 & 0xFF, b = rgb & 0xFF;
                if (b - r > 60) blue++;
                if (r - b > 60) red++;
            }
        }
        assertTrue(blue > 2000 && red > 2000, "the screenshot shows coloured charts: " + blue + " blue, " + red
                + " red pixels");
    }

    @Test
    void theIndexListsTheImagesAndLoadsCleanly() throws Exception {
        Chromium.Browser dom = Chromium.load(work, report.resolve("index.html"), "--dump-dom");
        dom.assertClean();
        for (String page : List.of("cells_ztcyx_u16.html", "embryo_tzcyx_u8_imagej.html",
                "timelapse_tcyx_f32_ome.html", "tissue_ztcyx_u16_zlib_bigtiff.html")) {
            assertTrue(dom.stdout().contains("href=\"" + page + "\""), page);
            Chromium.load(work, report.resolve(page), "--dump-dom").assertClean();
        }
    }

    @Test
    void aPageWithAnErrorIsCaught() throws Exception {
        Path page = report.resolve("cells_ztcyx_u16.html");
        Path broken = work.resolve("broken.html");
        Files.writeString(broken, Files.readString(page)
                .replace("</body>", "<script>noSuchFunction();</script></body>"));
        Chromium.Browser dom = Chromium.load(work, broken, "--dump-dom");
        assertEquals("1", Chromium.attribute(dom.stdout(), "data-errors"));
        assertTrue(dom.console().stream().anyMatch(l -> l.contains("noSuchFunction")), dom.stderr());
    }

    @Test
    void imageIdWritesThatPageOnlyAndAnUnknownOneIsAUsageError() throws Exception {
        Path one = work.resolve("one");
        List<String> args = new ArrayList<>(List.of("report", "--out", one.toString(), "--image-id",
                "embryo_tzcyx_u8_imagej"));
        args.addAll(Cli.catalogueArgs());
        assertEquals(0, Cli.run(args.toArray(new String[0])).exitCode());
        try (var files = Files.list(one)) {
            assertEquals(List.of("embryo_tzcyx_u8_imagej.html", "index.html"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        args.set(args.indexOf("embryo_tzcyx_u8_imagej"), "no_such_image");
        Cli.Result unknown = Cli.run(args.toArray(new String[0]));
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("no image no_such_image in the catalogue"), unknown.stderr());
    }
}
