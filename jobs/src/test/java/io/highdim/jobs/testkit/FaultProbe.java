package io.highdim.jobs.testkit;

import io.highdim.jobs.compute.PassProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults a test injects into the pixel pass, before each stack: a delay (so a kill lands while images are being
 * committed), a bug of ours in one image (the run must fail, not reject the user's file), a storage hiccup in the
 * first attempt of one image's tasks (Spark must run them again). Its settings are fields: it travels to executors in
 * other JVMs inside the pass; a launcher JVM gets them as system properties ({@link #jvmOptions()}, read by
 * {@link ProbedLauncher}).
 *
 * @param delayMs               milliseconds each stack is held back (0: none)
 * @param bugIn                 the image whose pixel stage throws as a bug would, or null
 * @param ioErrorOnFirstAttempt the image whose tasks' first attempt meets a plain I/O error, or null
 */
public record FaultProbe(long delayMs, String bugIn, String ioErrorOnFirstAttempt) implements PassProbe {
    private static final String DELAY = "highdim.test.pixelDelayMs";
    private static final String BUG = "highdim.test.bugIn";
    private static final String IO_ERROR = "highdim.test.ioErrorOnFirstAttempt";

    public static FaultProbe delay(long ms) {
        return new FaultProbe(ms, null, null);
    }

    public static FaultProbe bugIn(String imageId) {
        return new FaultProbe(0, imageId, null);
    }

    public static FaultProbe ioErrorOnFirstAttempt(String imageId) {
        return new FaultProbe(0, null, imageId);
    }

    @Override
    public void beforeStack(String imageId, int attempt) throws IOException {
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (imageId.equals(bugIn)) {
            throw new IllegalStateException("fault injected by a test into the pixel stage of " + imageId);
        }
        if (imageId.equals(ioErrorOnFirstAttempt) && attempt == 0) {
            throw new IOException("connection reset (injected by a test into the first attempt of " + imageId + ")");
        }
    }

    /** The system properties that give a {@link ProbedLauncher} this probe. */
    public List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-D" + DELAY + "=" + delayMs));
        if (bugIn != null) options.add("-D" + BUG + "=" + bugIn);
        if (ioErrorOnFirstAttempt != null) options.add("-D" + IO_ERROR + "=" + ioErrorOnFirstAttempt);
        return options;
    }

    /** The probe {@link #jvmOptions()} gave this JVM. */
    static FaultProbe fromSystemProperties() {
        return new FaultProbe(Long.getLong(DELAY, 0), System.getProperty(BUG), System.getProperty(IO_ERROR));
    }
}
