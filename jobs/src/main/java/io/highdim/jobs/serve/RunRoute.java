package io.highdim.jobs.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /runs {"args": ["run", "--no-slices", "data/"], "cwd": "/home/me"}}: a pipeline command run by the
 * server (see {@link RunExecutor}), answered as it runs with one frame per line, {@link RunClient}'s protocol:
 * {@code o LINE} (the command's stdout), {@code e LINE} (its stderr), {@code k} (keep-alive, every
 * {@link ServiceServer.Settings#runKeepAlive()}, so that an hour-long run's connection is not taken for idle) and last
 * {@code x CODE}, the launcher's exit code. A client that goes away cancels the run's Spark jobs: the run fails,
 * keeping the images it committed, as a killed launcher would.
 */
final class RunRoute {
    private static final Logger LOG = LoggerFactory.getLogger(RunRoute.class);

    private final RunExecutor runs;
    private final long keepAliveMs;
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "highdim-runs-keepalive");
        t.setDaemon(true);
        return t;
    });

    RunRoute(RunExecutor runs, java.time.Duration keepAlive) {
        this.runs = runs;
        this.keepAliveMs = keepAlive.toMillis();
    }

    void run(Context ctx) throws IOException {
        JsonNode body = ServiceApi.jsonBody(ctx);
        if (body == null || !body.path("args").isArray() || !body.path("cwd").isTextual()) {
            throw ApiError.badRequest("the body must be {\"args\": [strings], \"cwd\": \"an absolute folder\"}");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : body.get("args")) {
            if (!a.isTextual()) throw ApiError.badRequest("args must be strings");
            args.add(a.asText());
        }
        Path cwd = Path.of(body.get("cwd").asText());
        if (!cwd.isAbsolute() || !Files.isDirectory(cwd)) {
            throw ApiError.badRequest("cwd must be an absolute folder the server can see, not " + cwd);
        }
        String group = "highdim-run-" + UUID.randomUUID();
        ctx.status(200).contentType("text/plain; charset=utf-8");
        Frames frames = new Frames(ctx.res().getOutputStream(), () -> runs.cancel(group));
        var beat = keepAlive.scheduleAtFixedRate(() -> frames.line('k', null), keepAliveMs, keepAliveMs,
                TimeUnit.MILLISECONDS);
        LOG.info("hosted run {}: {} (from {})", group, args, cwd);
        int code;
        try (PrintStream out = new PrintStream(frames.stream('o'), true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(frames.stream('e'), true, StandardCharsets.UTF_8)) {
            code = runs.execute(args, cwd, group, out, err);
        } finally {
            beat.cancel(false);
        }
        frames.line('x', Integer.toString(code));
        LOG.info("hosted run {} ended: exit {}", group, code);
    }

    /** The response as frames; a write that fails means the client is gone: the run is cancelled once. */
    private static final class Frames {
        private final OutputStream response;
        private final Runnable onGone;
        private boolean gone;

        Frames(OutputStream response, Runnable onGone) {
            this.response = response;
            this.onGone = onGone;
        }

        synchronized void line(char kind, String text) {
            if (gone) return;
            try {
                response.write((text == null ? String.valueOf(kind) : kind + " " + text).getBytes(StandardCharsets.UTF_8));
                response.write('\n');
                // output lines wait in Jetty's buffer (a run prints a line per image at its end: one write each
                // would be a chunk each); a keep-alive sends what is pending, the exit code ends the answer
                if (kind == 'k' || kind == 'x') response.flush();
            } catch (IOException e) {
                gone = true;
                LOG.warn("the client of a hosted run went away ({}): cancelling its Spark jobs", e.toString());
                onGone.run();
            }
        }

        /** An output stream that sends each line it is given as one frame of {@code kind}. */
        OutputStream stream(char kind) {
            return new OutputStream() {
                private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        line(kind, pending.toString(StandardCharsets.UTF_8));
                        pending.reset();
                    } else {
                        pending.write(b);
                    }
                }

                @Override
                public synchronized void close() {
                    if (pending.size() > 0) write('\n');
                }
            };
        }
    }
}
