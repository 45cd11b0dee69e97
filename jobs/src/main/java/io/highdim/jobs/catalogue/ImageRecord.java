package io.highdim.jobs.catalogue;

import java.io.Serializable;
import java.util.List;

/**
 * One image's catalogue row: what ingest found. {@code status} is "ok" or "rejected" (then {@code reason} says
 * why and the geometry fields are null/0).
 */
public record ImageRecord(
        String imageId, String uri, String status, String reason, String dtype,
        int sizeZ, int sizeT, int sizeC, int height, int width,
        String dimensionSource, List<String> warnings, long fileBytes, int series, int imageCount)
        implements Serializable {}
