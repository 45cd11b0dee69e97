package io.highdim.model;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a run computed for one image: {@code parts} says which parts it computed; a part not in it is empty here
 * and stays as an earlier run left it in the catalogue. PCA is absent when computed for fewer than two channels.
 */
public record ImageResults(Set<Part> parts, List<PlaneLocation> planes, List<ChannelSummary> channels,
                           List<ChannelHistogram> histograms, List<PlaneSummary> planeStats, Optional<PcaResult> pca,
                           List<SliceFile> slices, List<ProjectionFile> projections,
                           List<VolumeSegmentation> segmentations) implements Serializable {
    public ImageResults {
        parts = parts.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(parts));
        planes = List.copyOf(planes);
        channels = List.copyOf(channels);
        histograms = List.copyOf(histograms);
        planeStats = List.copyOf(planeStats);
        slices = List.copyOf(slices);
        projections = List.copyOf(projections);
        segmentations = List.copyOf(segmentations);
        requireOnlyComputed(parts, Part.PLANES, planes.isEmpty());
        requireOnlyComputed(parts, Part.CHANNEL_STATS, channels.isEmpty());
        requireOnlyComputed(parts, Part.HISTOGRAMS, histograms.isEmpty());
        requireOnlyComputed(parts, Part.PLANE_STATS, planeStats.isEmpty());
        requireOnlyComputed(parts, Part.PCA, pca.isEmpty());
        requireOnlyComputed(parts, Part.SLICES, slices.isEmpty());
        requireOnlyComputed(parts, Part.PROJECTIONS, projections.isEmpty());
        requireOnlyComputed(parts, Part.SEGMENTATION, segmentations.isEmpty());
    }

    /** Without segmentations. */
    public ImageResults(Set<Part> parts, List<PlaneLocation> planes, List<ChannelSummary> channels,
                        List<ChannelHistogram> histograms, List<PlaneSummary> planeStats, Optional<PcaResult> pca,
                        List<SliceFile> slices, List<ProjectionFile> projections) {
        this(parts, planes, channels, histograms, planeStats, pca, slices, projections, List.of());
    }

    /** These results with the segmentation of each (t, c) volume added. */
    public ImageResults withSegmentations(List<VolumeSegmentation> volumes) {
        java.util.Set<Part> with = EnumSet.of(Part.SEGMENTATION);
        with.addAll(parts);
        return new ImageResults(with, planes, channels, histograms, planeStats, pca, slices, projections, volumes);
    }

    /** The URIs of the files written for the image: its slices, projections and label volumes. */
    public List<String> files() {
        List<String> uris = new java.util.ArrayList<>();
        for (SliceFile s : slices) uris.add(s.uri());
        for (ProjectionFile p : projections) uris.add(p.uri());
        for (VolumeSegmentation v : segmentations) if (v.labelsUri() != null) uris.add(v.labelsUri());
        return uris;
    }

    /** Without projections. */
    public ImageResults(Set<Part> parts, List<PlaneLocation> planes, List<ChannelSummary> channels,
                        List<ChannelHistogram> histograms, List<PlaneSummary> planeStats, Optional<PcaResult> pca,
                        List<SliceFile> slices) {
        this(parts, planes, channels, histograms, planeStats, pca, slices, List.of());
    }

    /** Optional is not serializable: the PCA travels as a nullable field. */
    private Object writeReplace() {
        return new Wire(parts, planes, channels, histograms, planeStats, pca.orElse(null), slices, projections,
                segmentations);
    }

    private record Wire(Set<Part> parts, List<PlaneLocation> planes, List<ChannelSummary> channels,
                        List<ChannelHistogram> histograms, List<PlaneSummary> planeStats, PcaResult pca,
                        List<SliceFile> slices, List<ProjectionFile> projections,
                        List<VolumeSegmentation> segmentations) implements Serializable {
        private Object readResolve() {
            return new ImageResults(parts, planes, channels, histograms, planeStats, Optional.ofNullable(pca), slices,
                    projections, segmentations);
        }
    }

    /** Only the plane index (what ingest computes). */
    public static ImageResults planesOnly(List<PlaneLocation> planes) {
        return new ImageResults(Set.of(Part.PLANES), planes, List.of(), List.of(), List.of(), Optional.empty(),
                List.of());
    }

    public boolean has(Part part) { return parts.contains(part); }

    private static void requireOnlyComputed(Set<Part> parts, Part part, boolean empty) {
        if (!empty && !parts.contains(part)) {
            throw new IllegalArgumentException(part + " results given for a part that was not computed");
        }
    }
}
