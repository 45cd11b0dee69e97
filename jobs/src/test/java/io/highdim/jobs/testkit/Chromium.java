package io.highdim.jobs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report page loaded in a real headless Chromium (Debian's {@code chromium}): what it printed ({@code --dump-dom}:
 * the DOM after the page's scripts ran) and its log, whose console lines are the page's errors and console calls.
 */
public final class Chromium {
    private Chromium() {}

    public record Browser(String stdout, String stderr) {
        /** The browser's log lines of the page's console (errors, uncaught exceptions, console.* calls). */
        public List<String> console() {
            return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }

        public void assertClean() {
            assertEquals(List.of(), console(), "no console message");
            if (!stdout.isEmpty()) assertEquals("0", attribute(stdout, "data-errors"), "no error in the page");
        }
    }

    /** Loads {@code page} with {@code what} (--dump-dom, --screenshot=...); its profile goes under {@code work}. */
    public static Browser load(Path work, Path page, String... what) throws Exception {
        String exe = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream()
                .filter(p -> new File(p).canExecute()).findFirst()
                .orElseGet(() -> fail("Chromium is missing: install Debian's package 'chromium' "
                        + "(apt-get install --no-install-recommends chromium; .ci/run does)"));
        List<String> command = new ArrayList<>(List.of(exe, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                "--user-data-dir=" + Files.createTempDirectory(work, "chromium")));
        command.addAll(List.of(what));
        command.add(page.toUri().toString());
        Path out = Files.createTempFile(work, "stdout", ".txt"), err = Files.createTempFile(work, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 120 s: " + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        return new Browser(Files.readString(out, StandardCharsets.UTF_8), stderr);
    }

    /** An attribute of {@code <html>} in a dumped DOM. */
    public static String attribute(String dom, String name) {
        Matcher m = Pattern.compile("<html[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), name + " on <html> in the DOM after scripts ran");
        return m.group(1);
    }

    /** How often {@code what} occurs in {@code text}. */
    public static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
