package io.highdim.jobs.cli;

import picocli.CommandLine.Option;

/** PCA score images (run and pca, which always compute the PCA the scores need). */
public class ScoreOptions {
    @Option(names = "--scores", description = "Also write each image's PCA scores: one float32 TIFF of k pages per "
            + "(z, t) under <output>/<image_id>/scores/, and the PCA as Spark ML models (pca-model, pca-centering).")
    boolean scores;
}
