package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.spark.PcaModels;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.Plane;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --scores}: every (z, t) of each multi-channel sample has a float32 TIFF of its k scores that tifffile reads
 * as (k, Y, X) and that equals scikit-learn's {@code PCA.transform} of the voxels within 1e-6 relative; the saved Spark
 * ML models, loaded with {@code load}, give the same scores (centering, then the PCA model).
 */
class PcaScoresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    /** Image id, file, (Z, T): the samples with at least 2 channels of three layouts (ZTCYX, TCYX OME, TZCYX ImageJ). */
    private static final Map<String, String> IMAGES = Map.of(
            "cells_ztcyx_u16", "cells_ztcyx_u16.tif",
            "timelapse_tcyx_f32_ome", "timelapse_tcyx_f32_ome.ome.tif",
            "embryo_tzcyx_u8_imagej", "embryo_tzcyx_u8_imagej.tif");
    @TempDir static Path work;
    private static Path out;
    private static Cli.Result run;

    @BeforeAll
    static void runWithScores() {
        out = work.resolve("out");
        // --partition-mb 1: the 1.2 MB cells image is cut into several stack tasks, each writing its own files
        List<String> args = new ArrayList<>(List.of("run", "--force", "--scores", "--no-slices", "--output",
                out.toUri().toString(), "--partition-mb", "1"));
        args.addAll(Cli.catalogueArgs());
        IMAGES.values().forEach(f -> args.add(SAMPLES.resolve(f).toString()));
        run = Cli.run(args.toArray(new String[0]));
    }

    @Test
    void scoreTiffsEqualScikitLearnsTransform() throws Exception {
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        List<String> args = new ArrayList<>(List.of("2", out.toString()));
        IMAGES.forEach((id, f) -> args.add(id + "=" + SAMPLES.resolve(f)));
        JsonNode oracle = JSON.readTree(Oracle.python("pca_scores.py", args.toArray(new String[0])));
        Map<String, int[]> zt = Map.of("cells_ztcyx_u16", new int[] {8, 3}, "timelapse_tcyx_f32_ome", new int[] {1, 4},
                "embryo_tzcyx_u8_imagej", new int[] {5, 2});
        for (String id : IMAGES.keySet()) {
            JsonNode o = oracle.get(id);
            int files = zt.get(id)[0] * zt.get(id)[1];
            assertEquals(files, o.get("files").asInt(), id);
            try (Stream<Path> listed = Files.list(out.resolve(id).resolve("scores"))) {
                assertEquals(files, listed.count(), id + ": one file per (z, t), no partial ones");
            }
            assertEquals("CYX", o.get("axes").asText(), id + ": tifffile sees (component, Y, X)");
            assertEquals("float32", o.get("dtype").asText(), id);
            assertEquals(2, o.get("shape").get(0).asInt(), id + ": k = 2 pages");
            assertTrue(o.get("imagej").asBoolean(), id + ": an ImageJ hyperstack for Fiji");
            assertEquals(0, o.get("nan").asInt(), id);
            assertTrue(o.get("max_abs").asDouble() > 0.1, id + ": scores that are not all zero: " + o);
            // float32 storage rounds to 6e-8 relative; the sums in double agree with sklearn's far better than that
            assertTrue(o.get("max_rel_err").asDouble() <= 1e-6, id + ": " + o);
            assertTrue(o.get("max_abs_err").asDouble() <= 1e-6 * o.get("max_abs").asDouble(), id + ": " + o);
        }
    }

    @Test
    void savedSparkModelsReproduceTheScoreFiles() throws Exception {
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        String dir = out.resolve("cells_ztcyx_u16").toUri().toString();
        PCAModel pca = PCAModel.load(dir + "/" + PcaModels.PCA_DIR);
        StandardScalerModel centering = StandardScalerModel.load(dir + "/" + PcaModels.CENTERING_DIR);
        assertEquals(2, pca.getK());
        assertEquals(3, pca.pc().numRows());
        assertEquals(2, pca.pc().numCols());
        assertTrue(centering.getWithMean() && !centering.getWithStd());

        int z = 5, t = 2;
        TiffFormatReader reader = new TiffFormatReader();
        Plane[] channels = new Plane[3];
        try (RangeReader in = LocalFiles.open(SAMPLES.resolve("cells_ztcyx_u16.tif"))) {
            ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
            for (int c = 0; c < 3; c++) channels[c] = reader.readPlane(image, in, z, t, c);
        }
        Plane[] scores = new Plane[2];
        Path file = out.resolve("cells_ztcyx_u16").resolve("scores").resolve("z" + z + "_t" + t + ".tif");
        try (RangeReader in = LocalFiles.open(file)) {
            ImageIndex image = reader.index(in, ReaderOptions.defaults()).get(0);
            assertEquals(2, image.sizeC(), "our reader sees the k pages as channels too");
            for (int k = 0; k < 2; k++) scores[k] = reader.readPlane(image, in, 0, 0, k);
        }
        int n = channels[0].size();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(i, Vectors.dense(channels[0].valueAt(i), channels[1].valueAt(i),
                    channels[2].valueAt(i))));
        }
        StructType schema = new StructType(new StructField[] {
                new StructField("i", DataTypes.IntegerType, false, Metadata.empty()),
                new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
        Dataset<Row> voxels = SharedSpark.session().createDataFrame(rows, schema);
        List<Row> transformed = pca.transform(centering.transform(voxels)).select("i", "scores").collectAsList();
        assertEquals(n, transformed.size());
        double scale = 0, worst = 0;
        for (Row r : transformed) {
            Vector s = r.getAs(1);
            int i = r.getInt(0);
            for (int k = 0; k < 2; k++) {
                double spark = s.apply(k), ours = scores[k].valueAt(i);
                scale = Math.max(scale, Math.abs(spark));
                worst = Math.max(worst, Math.abs(spark - ours) / Math.max(Math.abs(spark), 1e-3));
            }
        }
        assertTrue(scale > 1, "scores that are not all zero");
        assertTrue(worst <= 1e-6, "Spark's transform vs the score file: " + worst);
        // without the centering, PCAModel alone is off by the projected mean: docs/catalogue.md says to centre first
        Vector first = pca.transform(voxels.withColumnRenamed("features", "centered")).select("scores").first().getAs(0);
        assertTrue(Math.abs(first.apply(0) - scores[0].valueAt(0)) > 1e-3 * scale, "PCAModel alone does not centre");
    }
}
