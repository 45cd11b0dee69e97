package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.testkit.S3ProxyProcess;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same planes, read by range through s3a:// from a real S3Proxy process, equal those read from file://:
 * compressed, tiled, BigTIFF, big-endian and OME files of the external corpus.
 */
class S3PlaneReadIT {
    private static final String BUCKET = "plane-read-test";
    private static final List<String> FILES = List.of(
            "libtiff_bigtiff_tiled_zstd_imagej_tzcyx_u16.tif",
            "libtiff_lzw_pred_imagej_tzcyx_u16.tif",
            "libtiff_deflate_fpred_imagej_cyx_f32.tif",
            "ome_tcyx_i8_bigendian_bfartificial.ome.tif",
            "plain_syx_u8_tiled_planar_lzw_hpred.tif",
            "shaped_tyxc_f64_2frame.tif",
            "imagej_yxs_u16_rgb48_hela.tif");
    private static S3ProxyProcess s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start();
        s3.createBucket(BUCKET);
        for (String f : FILES) s3.upload(LocalFiles.externalTiffDir().resolve(f), "s3a://" + BUCKET + "/corpus/" + f);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) s3.close();
    }

    @Test
    void planesReadThroughS3aEqualPlanesReadFromLocalFiles() throws Exception {
        Configuration conf = s3.hadoopConf();
        int planes = 0;
        for (String f : FILES) {
            Path local = LocalFiles.externalTiffDir().resolve(f);
            TiffFormatReader localReader = new TiffFormatReader(), s3Reader = new TiffFormatReader();
            try (RangeReader fromFile = LocalFiles.open(local);
                 RangeReader fromS3 = HadoopRangeReader.open("s3a://" + BUCKET + "/corpus/" + f, conf)) {
                ImageIndex a = localReader.index(fromFile, ReaderOptions.defaults()).get(0);
                ImageIndex b = s3Reader.index(fromS3, ReaderOptions.defaults()).get(0);
                assertEquals(List.of(a.sizeZ(), a.sizeT(), a.sizeC(), a.height(), a.width(), a.pixelType()),
                        List.of(b.sizeZ(), b.sizeT(), b.sizeC(), b.height(), b.width(), b.pixelType()), f);
                for (int z = 0; z < a.sizeZ(); z++)
                    for (int t = 0; t < a.sizeT(); t++)
                        for (int c = 0; c < a.sizeC(); c++, planes++) {
                            assertEquals(PlaneChecksums.sha256(localReader.readPlane(a, fromFile, z, t, c)),
                                    PlaneChecksums.sha256(s3Reader.readPlane(b, fromS3, z, t, c)),
                                    f + " plane z=" + z + " t=" + t + " c=" + c);
                        }
            }
        }
        assertTrue(planes >= 40, "compared " + planes + " planes");
    }
}
