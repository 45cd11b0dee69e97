package io.highdim.jobs.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.util.Utf8Appendable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service (Javalin on Jetty 11) over the catalogue and the slice store: the Python service's five routes,
 * its JSON and status codes, and {@code /objects}. Every request passes {@link RequestGuard} first (Host, Origin,
 * token, Content-Type). Every refusal is a JSON {@code {"error": ...}}, Jetty's own included; an exception that is
 * not a refusal is our bug: logged with its stack trace here, answered 500 without it.
 */
public final class ServiceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Multipart parts larger than this go to disk (the upload folder's .incoming) while the request is read. */
    private static final int IN_MEMORY_PART_MB = 1;

    /**
     * Where it listens and what it accepts; {@code token}: the bearer token every route requires, see
     * {@link RequestGuard}; {@code runKeepAlive}: how often a hosted run's answer gets a keep-alive frame, which is
     * also how soon a client that went away is noticed (its run cancelled).
     */
    public record Settings(String bind, int port, Path uploadDir, long maxUploadBytes, int concurrentRenders,
                           String token, Duration runKeepAlive) {
        /** serve's: an hour-long run's connection is not taken for idle. */
        public static final Duration RUN_KEEP_ALIVE = Duration.ofSeconds(10);

        public Settings(String bind, int port, Path uploadDir, long maxUploadBytes, int concurrentRenders,
                        String token) {
            this(bind, port, uploadDir, maxUploadBytes, concurrentRenders, token, RUN_KEEP_ALIVE);
        }

        @Override
        public String toString() { // never the token's value
            return "Settings[bind=" + bind + ", port=" + port + ", uploadDir=" + uploadDir + "]";
        }
    }

    private final Javalin app;

    private ServiceServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts the server; {@code port} 0 takes a free one ({@link #port()}). It also takes runs ({@code POST /runs})
     * if {@code runs} is given (not null).
     */
    public static ServiceServer start(CatalogueDatabase database, Configuration hadoop, Settings settings,
                                      RunExecutor runs) throws IOException {
        Path uploads = settings.uploadDir().toAbsolutePath().normalize();
        Path incoming = Files.createDirectories(uploads.resolve(".incoming"));
        CatalogueReader reader = new CatalogueReader(database);
        ServiceApi api = new ServiceApi(reader, new SliceSource(reader, hadoop, settings.concurrentRenders()),
                new Uploads(database, reader, uploads, settings.maxUploadBytes(), hadoop));
        Javalin[] self = new Javalin[1];
        RequestGuard guard = new RequestGuard(settings.token(), settings.bind(), () -> self[0].port());
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            // Jetty's own refusals (414, 431, malformed requests) and errors in the service's JSON, not HTML
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
            config.startupWatcherEnabled = false;
            config.jetty.multipartConfig.cacheDirectory(incoming.toString());
            config.jetty.multipartConfig.maxInMemoryFileSize(IN_MEMORY_PART_MB, SizeUnit.MB);
            config.jetty.multipartConfig.maxFileSize(settings.maxUploadBytes(), SizeUnit.BYTES);
            // the form's other fields and boundaries: a little over the file
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxUploadBytes() + (1 << 20), SizeUnit.BYTES);
        });
        self[0] = app;
        app.before(guard);
        app.get("/metadata", api::metadata);
        app.get("/statistics", api::statistics);
        app.get("/slice", api::slice);
        app.get("/objects", api::objects);
        app.post("/analyze", api::analyze);
        app.post("/upload", api::upload);
        if (runs != null) app.post("/runs", new RunRoute(runs, settings.runKeepAlive())::run);
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.body()));
        // Javalin's own refusals: no such route (404), wrong method, body too large (413), ...
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), Map.of("error",
                e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            if (tooLargeUpload(e)) {
                error(ctx, 413, Map.of("error", "the upload is larger than " + settings.maxUploadBytes() + " bytes"));
                return;
            }
            // the client's malformed request, found by Jetty while a handler reads it (a multipart form: a NUL in
            // a part's header, invalid UTF-8 in its file name): 400, not our bug
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadMessageException bad && bad.getCode() >= 400 && bad.getCode() < 500) {
                    error(ctx, bad.getCode(), Map.of("error", "malformed request: " + bad.getReason()));
                    return;
                }
                if (t instanceof Utf8Appendable.NotUtf8Exception) {
                    error(ctx, 400, Map.of("error", "malformed request: not valid UTF-8"));
                    return;
                }
            }
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, Map.of("error", "internal error (" + e.getClass().getSimpleName()
                    + "); the server's log has the details"));
        });
        app.start(settings.bind(), settings.port());
        return new ServiceServer(app);
    }

    /** Whether {@code bind} is a loopback address: anything else needs a token file the user chose (serve). */
    public static boolean isLoopback(String bind) {
        return RequestGuard.isLoopback(bind);
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * Jetty refuses a multipart part over maxFileSize with an IllegalStateException ("... exceeds max filesize"),
     * possibly wrapped; only that one means 413.
     */
    private static boolean tooLargeUpload(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("exceeds max")) {
                return true;
            }
        }
        return false;
    }

    private static void error(Context ctx, int status, Map<String, Object> body) {
        try {
            ServiceApi.json(ctx, status, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers always render", e);
        }
    }
}
