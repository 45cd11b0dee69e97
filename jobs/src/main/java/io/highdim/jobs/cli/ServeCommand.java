package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.ShutdownOrder;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.serve.ServiceServer;
import io.highdim.jobs.serve.ServiceToken;
import io.highdim.jobs.spark.SparkContexts;
import io.javalin.util.JavalinBindException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The Python service's HTTP API over the catalogue and the slice store, until the process is stopped (SIGINT,
 * SIGTERM). No Spark: reads the catalogue, stored PNGs and single planes by byte range.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the service's HTTP API (/metadata, /statistics, /slice, /analyze, /upload) from the "
                + "catalogue. Prints one JSON line with the address (and the token file's path) once listening.")
public class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "5000", converter = OptionConverters.Port.class,
            description = "Port (default: ${DEFAULT-VALUE}; 0: any free one, printed).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0: every interface). Any address "
                    + "but loopback needs --token-file.")
    String bind;

    @Option(names = "--token-file", description = "File holding the bearer token clients must send "
            + "(Authorization: Bearer TOKEN) on every route; mode 0600. Default: a new token generated at each start into <state-dir>/"
            + ServiceToken.FILE_NAME + " (0600); its path, never its value, is printed.")
    Path tokenFile;

    @Option(names = "--allow-read", arity = "1..*", paramLabel = "DIR", description = "With --runs: the folders "
            + "clients may name inputs in (symlinks and .. resolved; default: the server's working folder).")
    List<Path> allowRead;

    @Option(names = "--allow-write", arity = "1..*", paramLabel = "DIR", description = "With --runs: the folders "
            + "clients may name as --output (default: the server's working folder).")
    List<Path> allowWrite;

    @Option(names = "--upload-dir", defaultValue = "highdim-uploads",
            description = "Folder /upload stores files in (default: ${DEFAULT-VALUE}).")
    Path uploadDir;

    @Option(names = "--max-upload-mb", defaultValue = "1024", converter = OptionConverters.PositiveInt.class,
            description = "Largest upload in MB; larger ones are answered 413 (default: ${DEFAULT-VALUE}).")
    int maxUploadMb;

    @Option(names = "--renders", defaultValue = "2", converter = OptionConverters.PositiveInt.class,
            description = "Slices rendered from source files at once; each holds one plane on the heap "
                    + "(default: ${DEFAULT-VALUE}).")
    int renders;

    @Option(names = "--runs", description = "Also run pipeline commands sent by clients (POST /runs; the launcher "
            + "sends them there when HIGHDIM_SERVER is set) on this server's catalogue and a Spark it keeps running, "
            + "so a run costs no JVM, Spark or database start. Clients with the token read and write files as this "
            + "server's user, within --allow-read and --allow-write.")
    boolean runs;

    @Mixin CatalogueOptions catalogue;

    /** Watches the pixel work of the runs it hosts: {@link PassProbe#NONE} but in tests that inject faults. */
    private PassProbe probe = PassProbe.NONE;

    void probedBy(PassProbe probe) {
        this.probe = probe;
    }

    @Override
    public Integer call() throws Exception {
        // usage errors first: nothing starts before the options are known good
        if (tokenFile == null && !ServiceServer.isLoopback(bind)) {
            return usage("--bind " + bind + " is not a loopback address: give --token-file FILE (mode 0600), the "
                    + "token every client must then send");
        }
        String token;
        HostedRoots roots;
        try {
            token = tokenFile != null ? ServiceToken.read(tokenFile) : null;
            Path here = Path.of("").toAbsolutePath();
            roots = HostedRoots.of(allowRead != null ? allowRead : List.of(here),
                    allowWrite != null ? allowWrite : List.of(here));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (java.io.IOException e) {
            return usage("--token-file " + tokenFile + ": cannot be read (" + e.getMessage() + ")");
        }
        Path generated = null;
        if (token == null) {
            generated = ServiceToken.defaultFile(catalogue.stateDir.toAbsolutePath().normalize());
            token = ServiceToken.generate(generated);
        }
        CatalogueDatabase db = catalogue.open();
        HostedRuns hosted = runs ? HostedRuns.start(db, roots, probe) : null;
        ServiceServer server;
        try {
            server = ServiceServer.start(db, SparkContexts.hadoopConfiguration(), new ServiceServer.Settings(bind,
                    port, uploadDir, (long) maxUploadMb << 20, renders, token), hosted);
        } catch (JavalinBindException e) {
            stop(hosted, db);
            System.err.println("serve: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            return HighdimCommand.EXIT_FAILED;
        } catch (Exception e) {
            stop(hosted, db);
            throw e;
        }
        // on a signal: no new requests first; then hosted runs close (RunStop's hooks) while Spark and the catalogue
        // still work; then what the server holds
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownHookManager.get().addShutdownHook(server::close, ShutdownOrder.SERVICE, 10, TimeUnit.SECONDS);
        ShutdownHookManager.get().addShutdownHook(() -> {
            stop(hosted, db);
            stopped.countDown();
        }, ShutdownOrder.SERVICE_RESOURCES, 60, TimeUnit.SECONDS);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("listening", "http://" + bind + ":" + server.port());
        line.put("upload_dir", uploadDir.toAbsolutePath().normalize().toString());
        line.put("runs", runs);
        // where the token is, never what it is
        line.put("token_file", (generated != null ? generated : tokenFile.toAbsolutePath().normalize()).toString());
        if (runs) {
            line.put("allow_read", roots.read().stream().map(Path::toString).toList());
            line.put("allow_write", roots.write().stream().map(Path::toString).toList());
        }
        System.out.println(new ObjectMapper().writeValueAsString(line));
        System.out.flush();
        stopped.await();
        return HighdimCommand.EXIT_OK;
    }

    private static int usage(String message) {
        System.err.println("serve: " + message);
        return HighdimCommand.EXIT_USAGE;
    }

    private static void stop(HostedRuns hosted, CatalogueDatabase db) {
        if (hosted != null) hosted.close();
        db.close();
    }
}
