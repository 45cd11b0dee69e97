package io.highdim.tiff;

/**
 * Pixel types as TIFF stores them (BitsPerSample + SampleFormat). Decoded planes hold them in the primitive
 * array named by {@link #arrayKind()}: unsigned types keep their bits in the signed Java type of the same width
 * (mask on use), F16 is widened to float on decode.
 */
public enum PixelType {
    U8(1, "uint8", false), I8(1, "int8", false),
    U16(2, "uint16", false), I16(2, "int16", false),
    U32(4, "uint32", false), I32(4, "int32", false),
    F16(2, "float16", true), F32(4, "float32", true), F64(8, "float64", true);

    private final int bytes;
    private final String numpyName;
    private final boolean floating;

    PixelType(int bytes, String numpyName, boolean floating) {
        this.bytes = bytes;
        this.numpyName = numpyName;
        this.floating = floating;
    }

    /** Bytes per sample as stored in the file. */
    public int bytes() { return bytes; }

    /** The dtype name numpy and tifffile use ("uint16", ...). */
    public String numpyName() { return numpyName; }

    public boolean isFloating() { return floating; }

    public boolean isUnsigned() { return this == U8 || this == U16 || this == U32; }

    /**
     * An 8- or 16-bit integer type: its values fit a 16-bit PNG and exact histograms of 256 / 65536 bins (statistics,
     * percentiles without sorting).
     */
    public boolean isSmallInteger() { return this == U8 || this == I8 || this == U16 || this == I16; }

    /** Bytes per pixel of the decoded plane's array ({@link #arrayKind()}: half floats widen to float). */
    public int arrayBytes() { return this == F16 ? 4 : bytes; }

    /** The primitive array a decoded plane of this type lives in. */
    public Class<?> arrayKind() {
        switch (this) {
            case U8: case I8: return byte[].class;
            case U16: case I16: return short[].class;
            case U32: case I32: return int[].class;
            case F16: case F32: return float[].class;
            default: return double[].class;
        }
    }

    /** From TIFF BitsPerSample and SampleFormat (1 unsigned, 2 signed, 3 float); null when not supported. */
    public static PixelType fromTiff(int bitsPerSample, int sampleFormat) {
        switch (sampleFormat) {
            case 1:
                return bitsPerSample == 8 ? U8 : bitsPerSample == 16 ? U16 : bitsPerSample == 32 ? U32 : null;
            case 2:
                return bitsPerSample == 8 ? I8 : bitsPerSample == 16 ? I16 : bitsPerSample == 32 ? I32 : null;
            case 3:
                return bitsPerSample == 16 ? F16 : bitsPerSample == 32 ? F32 : bitsPerSample == 64 ? F64 : null;
            default:
                return null;
        }
    }

    public static PixelType fromNumpyName(String name) {
        for (PixelType t : values()) if (t.numpyName.equals(name)) return t;
        throw new IllegalArgumentException("unknown pixel type " + name);
    }
}
