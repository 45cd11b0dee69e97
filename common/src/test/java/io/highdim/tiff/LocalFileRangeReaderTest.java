package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * file:// URIs are read through their channel, not Hadoop's local filesystem: the same bytes as Hadoop's raw local
 * reads at any position, an end of file past the end, a missing file named as Hadoop names it; any other scheme, or
 * a file:// filesystem the user configured, goes through Hadoop.
 */
class LocalFileRangeReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTheBytesHadoopReads() throws Exception {
        Path f = dir.resolve("a name with spaces.bin");
        byte[] data = new byte[200_003];
        Random r = new Random(5);
        r.nextBytes(data);
        Files.write(f, data);
        String uri = new org.apache.hadoop.fs.Path(f.toUri()).toString();   // as listings name files: file:/...
        Configuration conf = new Configuration();
        try (RawLocalFileSystem raw = new RawLocalFileSystem()) {
            raw.initialize(java.net.URI.create("file:///"), conf);
            try (RangeReader ours = HadoopRangeReader.open(uri, conf);
                 RangeReader known = HadoopRangeReader.open(uri, data.length, conf);
                 FSDataInputStream hadoop = raw.open(new org.apache.hadoop.fs.Path(uri))) {
                assertInstanceOf(LocalFileRangeReader.class, ours);
                assertEquals(data.length, ours.length());
                assertEquals(data.length, known.length());
                assertTrue(ours.readsDirect());
                for (int i = 0; i < 50; i++) {
                    int at = r.nextInt(data.length), n = r.nextInt(data.length - at + 1);
                    byte[] expected = new byte[n], viaArray = new byte[n + 3];
                    hadoop.readFully(at, expected);
                    ours.readFully(at, viaArray, 3, n);
                    ByteBuffer direct = ByteBuffer.allocateDirect(n);
                    known.readFully(at, direct);
                    byte[] viaDirect = new byte[n];
                    direct.flip().get(viaDirect);
                    assertArrayEquals(expected, java.util.Arrays.copyOfRange(viaArray, 3, n + 3), "at " + at);
                    assertArrayEquals(expected, viaDirect, "direct at " + at);
                }
                EOFException eof = assertThrows(EOFException.class,
                        () -> ours.readFully(data.length - 10, new byte[11], 0, 11));
                assertTrue(eof.getMessage().startsWith(uri), eof.getMessage());
            }
        }
    }

    @Test
    void aMissingFileIsNamed() {
        String uri = new org.apache.hadoop.fs.Path(dir.resolve("gone.tif").toUri()).toString();
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> HadoopRangeReader.open(uri, new Configuration()));
        assertEquals(uri + " (No such file or directory)", e.getMessage());
    }

    @Test
    void onlyFileUrisOfHadoopsOwnLocalFilesystemAreReadDirectly() {
        Configuration conf = new Configuration();
        assertEquals(Path.of("/data/a b.tif"), HadoopFileSystems.localFile("file:/data/a b.tif", conf));
        assertEquals(Path.of("/data/x.tif"), HadoopFileSystems.localFile("file:///data/x.tif", conf));
        for (String name : new String[] {"a b.tif", "c%20d.tif", "e#1.tif", "ü:ß.tif", "x?.tif"}) {
            String uri = new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()).toString();
            assertEquals(Path.of(new org.apache.hadoop.fs.Path(uri).toUri()), HadoopFileSystems.localFile(uri, conf),
                    "as Hadoop parses " + uri);
        }
        assertNull(HadoopFileSystems.localFile("file://localhost/h/x.tif", conf), "a host: Hadoop's to say");
        assertNull(HadoopFileSystems.localFile("s3a://bucket/x.tif", conf));
        assertNull(HadoopFileSystems.localFile("hdfs://127.0.0.1:9000/x.tif", conf));
        assertNull(HadoopFileSystems.localFile("/data/x.tif", conf), "no scheme: the default filesystem's");
        conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
        assertNull(HadoopFileSystems.localFile("file:/data/x.tif", conf), "a filesystem the user chose");
    }
}
