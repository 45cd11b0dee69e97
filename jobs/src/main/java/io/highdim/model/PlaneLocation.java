package io.highdim.model;

import java.io.Serializable;

/**
 * Where plane (z, t, c) lies in its file: the IFD (page) and sample holding it, the first byte of its strips or
 * tiles and how many stored bytes they take (for a plane of interleaved samples: the whole page's).
 */
public record PlaneLocation(int z, int t, int c, int ifd, int sample, long firstByte, long storedBytes)
        implements Serializable {}
