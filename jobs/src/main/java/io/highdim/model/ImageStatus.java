package io.highdim.model;

/** Whether an image was processed or rejected; {@link #label()} is what the catalogue and the console show. */
public enum ImageStatus {
    OK("ok"), REJECTED("rejected");

    private final String label;

    ImageStatus(String label) { this.label = label; }

    public String label() { return label; }

    public static ImageStatus ofLabel(String label) {
        for (ImageStatus s : values()) if (s.label.equals(label)) return s;
        throw new IllegalArgumentException("no image status '" + label + "'");
    }
}
