package io.highdim.tiff;

import java.io.Serializable;

/**
 * One IFD as far as decoding its pixels needs: geometry, sample layout, codec and the byte ranges of its strips
 * or tiles. Strips are modelled as tiles as wide as the image and {@code RowsPerStrip} tall. {@code ifd} is the
 * page's position in the file's IFD chain.
 */
public record TiffPage(
        int width, int height, int bitsPerSample, int sampleFormat, int samplesPerPixel, int planarConfiguration,
        int compression, int predictor, int photometric, boolean tiled, int tileWidth, int tileHeight,
        long[] offsets, long[] byteCounts, int ifd) implements Serializable {

    public PixelType pixelType() { return PixelType.fromTiff(bitsPerSample, sampleFormat); }

    /** Samples are stored one plane after the other (PlanarConfiguration 2), or there is only one. */
    public boolean planar() { return planarConfiguration == 2 || samplesPerPixel == 1; }

    public int tilesAcross() { return (width + tileWidth - 1) / tileWidth; }

    public int tilesDown() { return (height + tileHeight - 1) / tileHeight; }

    /** Strips or tiles holding one sample plane (planar) or the whole page (chunky). */
    public int chunksPerPlane() { return tilesAcross() * tilesDown(); }

    /** Same pixel geometry and type: pages that can be stacked into one image. */
    public boolean sameGeometry(TiffPage o) {
        return width == o.width && height == o.height && bitsPerSample == o.bitsPerSample
                && sampleFormat == o.sampleFormat && samplesPerPixel == o.samplesPerPixel;
    }

    /** Index of the first strip/tile holding {@code sample}: planar pages store each sample's chunks in turn. */
    public int firstChunk(int sample) {
        return samplesPerPixel > 1 && planar() ? sample * chunksPerPlane() : 0;
    }

    /** Stored bytes of the strips/tiles holding {@code sample} (the whole page when samples are interleaved). */
    public long storedBytes(int sample) {
        long sum = 0;
        for (int i = firstChunk(sample); i < firstChunk(sample) + chunksPerPlane(); i++) sum += byteCounts[i];
        return sum;
    }
}
