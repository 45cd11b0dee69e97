package io.highdim.jobs.spark;

import io.highdim.jobs.output.OutputWriteException;
import io.highdim.model.PcaResult;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.SparkSession;

/**
 * An image's PCA as Spark ML models, for Spark users to reuse: {@code pca-model}, a {@link PCAModel} (pc: the C x k
 * loadings, explainedVariance: the ratios, as Spark's own PCA stores them; input column "centered", output
 * "scores"), and {@code pca-centering}, a {@link StandardScalerModel} (withMean, not withStd; input "features",
 * output "centered"). Spark's {@code PCAModel.transform} multiplies by pc and does not centre, so the scores
 * (scikit-learn's transform, our score TIFFs) are the centering model's output fed to the PCA model.
 *
 * <p>Both constructors are {@code private[ml]} in Scala and public in bytecode (Spark's own readers call them); the
 * params are set through {@code copy(ParamMap)}, the public route that copies them as {@code fit} would.
 */
public final class PcaModels {
    public static final String PCA_DIR = "pca-model";
    public static final String CENTERING_DIR = "pca-centering";

    private PcaModels() {}

    public static PCAModel pcaModel(String imageId, PcaResult pca) {
        int channels = pca.mean().length, k = pca.components().length;
        double[] pc = new double[channels * k]; // column-major: column j is component j
        for (int j = 0; j < k; j++) System.arraycopy(pca.components()[j], 0, pc, j * channels, channels);
        PCAModel model = new PCAModel("pca_" + imageId, new DenseMatrix(channels, k, pc),
                new DenseVector(pca.explainedVarianceRatio().clone()));
        ParamMap params = new ParamMap().put(model.k(), k);
        return model.copy(params).setInputCol("centered").setOutputCol("scores");
    }

    public static StandardScalerModel centering(String imageId, PcaResult pca) {
        double[] ones = new double[pca.mean().length];
        Arrays.fill(ones, 1);
        StandardScalerModel model = new StandardScalerModel("centering_" + imageId, new DenseVector(ones),
                new DenseVector(pca.mean().clone()));
        ParamMap params = new ParamMap().put(model.withMean(), true).put(model.withStd(), false);
        return model.copy(params).setInputCol("features").setOutputCol("centered");
    }

    /** Saves both in the image's output folder {@code dir}, replacing what is there. */
    public static void save(SparkSession spark, String dir, String imageId, PcaResult pca) {
        String saving = dir + "/" + PCA_DIR;
        try {
            pcaModel(imageId, pca).write().session(spark).overwrite().save(saving);
            saving = dir + "/" + CENTERING_DIR;
            centering(imageId, pca).write().session(spark).overwrite().save(saving);
        } catch (IOException e) {
            throw new OutputWriteException(saving, e);
        } catch (RuntimeException e) { // Spark ML writes through a job of its own: a failed write comes as its failure
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IOException io) throw new OutputWriteException(saving, io);
            }
            throw e;
        }
    }
}
