package io.highdim.tiff;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Builds small classic little-endian TIFFs byte by byte, so tests can make files that lie. */
final class TinyTiff {
    private final List<TreeMap<Integer, long[]>> ifds = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();
    private final List<byte[]> pixels = new ArrayList<>();
    /** Next-IFD offset to write instead of the real one, per IFD (null: the real chain). */
    private final List<Long> nextOverride = new ArrayList<>();

    /** A page of 8-bit pixels in one strip. */
    TinyTiff page(int width, int height, byte[] data, String description) {
        TreeMap<Integer, long[]> tags = new TreeMap<>();
        tags.put(256, new long[] {width});
        tags.put(257, new long[] {height});
        tags.put(258, new long[] {8});
        tags.put(259, new long[] {1});
        tags.put(262, new long[] {1});
        tags.put(277, new long[] {1});
        tags.put(278, new long[] {height});
        tags.put(279, new long[] {data.length});
        ifds.add(tags);
        descriptions.add(description);
        pixels.add(data);
        nextOverride.add(null);
        return this;
    }

    /** Overrides a tag of the last page (values written as LONG). */
    TinyTiff tag(int tag, long... values) {
        ifds.get(ifds.size() - 1).put(tag, values);
        return this;
    }

    /** Points the last page's next-IFD field at {@code offset}. */
    TinyTiff next(long offset) {
        nextOverride.set(nextOverride.size() - 1, offset);
        return this;
    }

    /** Offset at which IFD {@code i} will be written (pixels and values come after each IFD). */
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        head.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        out.writeBytes(head.array());
        for (int i = 0; i < ifds.size(); i++) {
            wrote270 = false;
            TreeMap<Integer, long[]> tags = new TreeMap<>(ifds.get(i));
            byte[] desc = descriptions.get(i) == null ? null : (descriptions.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
            int entries = tags.size() + 1 + (desc != null ? 1 : 0);
            int ifdStart = out.size();
            int ifdSize = 2 + entries * 12 + 4;
            // layout after the IFD: out-of-line values, description, pixels
            ByteArrayOutputStream extra = new ByteArrayOutputStream();
            int extraStart = ifdStart + ifdSize;
            ByteBuffer ifd = ByteBuffer.allocate(ifdSize).order(ByteOrder.LITTLE_ENDIAN);
            ifd.putShort((short) entries);
            long pixelOffset = -1;
            // pixels go last; their offset is known once the values are laid out
            int valuesBytes = 0;
            for (long[] v : tags.values()) if (v.length > 1) valuesBytes += v.length * 4;
            int descAt = extraStart + valuesBytes;
            pixelOffset = descAt + (desc != null ? desc.length : 0);
            TreeMap<Integer, long[]> all = new TreeMap<>(tags);
            all.putIfAbsent(273, new long[] {pixelOffset});
            for (var e : all.entrySet()) {
                if (e.getKey() > 270 && desc != null && !written270(ifd)) putDescription(ifd, desc, descAt);
                long[] v = e.getValue();
                ifd.putShort((short) (int) e.getKey()).putShort((short) 4).putInt(v.length);
                if (v.length == 1) {
                    ifd.putInt((int) v[0]);
                } else {
                    ifd.putInt(extraStart + extra.size());
                    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (long x : v) b.putInt((int) x);
                    extra.writeBytes(b.array());
                }
            }
            if (desc != null && !written270(ifd)) putDescription(ifd, desc, descAt);
            if (desc != null) extra.writeBytes(desc);
            extra.writeBytes(pixels.get(i));
            long next = i + 1 < ifds.size() ? extraStart + extra.size() : 0;
            if (nextOverride.get(i) != null) next = nextOverride.get(i);
            ifd.putInt((int) next);
            out.writeBytes(ifd.array());
            out.writeBytes(extra.toByteArray());
        }
        return out.toByteArray();
    }

    private boolean wrote270;

    private boolean written270(ByteBuffer ifd) { return wrote270; }

    private void putDescription(ByteBuffer ifd, byte[] desc, int at) {
        ifd.putShort((short) 270).putShort((short) 2).putInt(desc.length).putInt(at);
        wrote270 = true;
    }

    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }
}
