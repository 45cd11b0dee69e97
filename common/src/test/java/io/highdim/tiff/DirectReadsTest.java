package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A local file's planes read through its channel into a direct buffer ({@link RangeReader#readsDirect()}) equal the
 * planes read through byte arrays, for every readable file of sample-data/ and ../shared/external-tiff/ (both byte
 * orders, 8 to 64 bits, compressed and not), every plane, into reused buffers.
 */
class DirectReadsTest {
    @Test
    void directAndArrayReadsGiveTheSamePlanes() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("../sample-data", "../../shared/external-tiff")) {
            Path d = Paths.get(dir).toAbsolutePath().normalize();
            assertTrue(Files.isDirectory(d), d + " is missing");
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.toString().endsWith(".tif") || p.toString().endsWith(".tiff")).sorted().forEach(files::add);
            }
        }
        int planesCompared = 0, directFiles = 0;
        for (Path f : files) {
            List<ImageIndex> images;
            byte[] bytes = Files.readAllBytes(f);
            try (RangeReader in = new ByteArrayRangeReader(f.toString(), bytes)) {
                images = new TiffFormatReader().index(in, ReaderOptions.defaults());
            } catch (ImageReadException e) {
                continue; // the corpus's broken files
            }
            TiffFormatReader viaArrays = new TiffFormatReader(), viaDirect = new TiffFormatReader();
            PlaneBuffer a = new PlaneBuffer(), b = new PlaneBuffer();
            try (RangeReader array = new ByteArrayRangeReader(f.toString(), bytes);
                 RangeReader local = HadoopRangeReader.open(f.toUri().toString(), new Configuration())) {
                assertTrue(local.readsDirect(), f + ": a local file reads direct");
                directFiles++;
                for (ImageIndex image : images) {
                    for (int z = 0; z < image.sizeZ(); z++) {
                        for (int t = 0; t < image.sizeT(); t++) {
                            for (int c = 0; c < image.sizeC(); c++) {
                                Plane expected = viaArrays.readPlane(image, array, z, t, c, a);
                                Plane got = viaDirect.readPlane(image, local, z, t, c, b);
                                assertEquals(expected.type(), got.type());
                                assertTrue(Objects.deepEquals(new Object[] {expected.pixels()},
                                        new Object[] {got.pixels()}), f + " plane " + z + "," + t + "," + c);
                                planesCompared++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(directFiles >= 20, directFiles + " files");
        assertTrue(planesCompared > 500, planesCompared + " planes");
    }
}
