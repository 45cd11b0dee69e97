package io.highdim.jobs.catalogue;

import java.io.Serializable;

/**
 * PCA over channels (voxels are observations): k components, each a loading vector over the C channels.
 * {@code components[i]} is component i (like scikit-learn's components_), {@code mean} the channel means.
 */
public record PcaRecord(String imageId, int nComponents, double[] explainedVariance,
                        double[] explainedVarianceRatio, double[][] components, double[] mean, long observations)
        implements Serializable {}
