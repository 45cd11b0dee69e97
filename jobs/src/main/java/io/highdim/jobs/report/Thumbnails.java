package io.highdim.jobs.report;

import io.highdim.tiff.HadoopFileSystems;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A stored 8-bit PNG (slice or projection, wherever the run wrote it: file://, s3a://, hdfs://) as a data: URI for
 * the page, scaled down (bilinear) to at most {@value #MAX_SIDE} px a side so a page of many stays small.
 */
final class Thumbnails {
    static final int MAX_SIDE = 512;
    private final Configuration hadoop;

    Thumbnails(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /** Empty when the PNG is gone or unreadable (the output was moved or deleted since the run): the page says so. */
    Optional<String> dataUri(String uri) {
        BufferedImage image;
        try {
            Path path = new Path(uri);
            try (InputStream in = HadoopFileSystems.of(path, hadoop).open(path)) {
                image = ImageIO.read(in);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (image == null) return Optional.empty();
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(scaled(image), "png", png);
            return Optional.of("data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()));
        } catch (IOException e) {
            throw new IllegalStateException("encoding a PNG in memory cannot fail", e);
        }
    }

    private static BufferedImage scaled(BufferedImage image) {
        int side = Math.max(image.getWidth(), image.getHeight());
        if (side <= MAX_SIDE) return image;
        double f = (double) MAX_SIDE / side;
        int w = Math.max(1, (int) Math.round(image.getWidth() * f));
        int h = Math.max(1, (int) Math.round(image.getHeight() * f));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
