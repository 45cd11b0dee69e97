package io.highdim.segment;

import java.util.Arrays;

/**
 * Disjoint classes of the labels 1…size (0 is no label), with path compression and the smaller label as the root of a
 * union, so a class's root is its first label.
 */
public final class UnionFind {
    private int[] parent;
    private int size;

    public UnionFind(int capacity) {
        parent = new int[Math.max(2, capacity + 1)];
    }

    /** A new label in a class of its own. */
    public int add() {
        if (++size == parent.length) parent = Arrays.copyOf(parent, parent.length * 2);
        parent[size] = size;
        return size;
    }

    public int size() {
        return size;
    }

    public int find(int label) {
        int root = label;
        while (parent[root] != root) root = parent[root];
        // full path compression: every label on the way points at the root
        for (int l = label; parent[l] != root; ) {
            int next = parent[l];
            parent[l] = root;
            l = next;
        }
        return root;
    }

    /** Joins the classes of {@code a} and {@code b}; the smaller root stays the root, and is returned. */
    public int union(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return ra;
        if (ra < rb) {
            parent[rb] = ra;
            return ra;
        }
        parent[ra] = rb;
        return rb;
    }
}
