package io.highdim.model;

import java.io.Serializable;

/**
 * PCA over channels (voxels are observations): {@code components[i]} is component i's loading vector over the
 * channels (scikit-learn's {@code components_}, sign: largest loading positive), {@code mean} the channel means of
 * the voxels used (those without NaN in any channel).
 */
public record PcaResult(int nComponents, double[] explainedVariance, double[] explainedVarianceRatio,
                        double[][] components, double[] mean, long observations) implements Serializable {}
