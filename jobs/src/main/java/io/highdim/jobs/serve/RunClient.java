package io.highdim.jobs.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The launcher's side of {@code POST /runs} ({@link RunRoute}): sends a pipeline command and the working folder to a
 * running {@code serve --runs}, prints what the command prints, exits with its exit code. Only the JDK: the launcher
 * starts it with the jobs jar alone on the class path, in a fraction of a second.
 * The service's token: {@code HIGHDIM_TOKEN}, else the token file {@code serve} wrote into its state folder
 * ({@code HIGHDIM_STATE_DIR}, default {@code .highdim} as the CLI's {@code --state-dir}), else none.
 * Exit codes as the launcher's; 1 also when the server cannot be reached, refuses the request or does not take runs.
 */
public final class RunClient {
    /** The CLI's default --state-dir, where serve writes its token. */
    static final String DEFAULT_STATE_DIR = ".highdim";

    private RunClient() {}

    /** {@code RunClient SERVER_URL SUBCOMMAND [OPTIONS] INPUTS...}. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: RunClient SERVER_URL SUBCOMMAND [OPTIONS] INPUTS...");
            System.exit(2);
        }
        Path cwd = Path.of("").toAbsolutePath();
        String token = System.getenv("HIGHDIM_TOKEN");
        Path tokenFile = ServiceToken.defaultFile(Path.of(Objects.requireNonNullElse(System.getenv(
                "HIGHDIM_STATE_DIR"), DEFAULT_STATE_DIR)).toAbsolutePath());
        if ((token == null || token.isBlank()) && Files.exists(tokenFile)) {
            try {
                token = ServiceToken.read(tokenFile);
            } catch (IllegalArgumentException | IOException e) {
                System.err.println("highdim: " + e.getMessage());
                System.exit(2);
            }
        }
        System.exit(run(args[0], cwd, Arrays.asList(args).subList(1, args.length), token, System.out, System.err));
    }

    /** Sends {@code args} to run in {@code cwd}, with the service's {@code token} (null: none). */
    public static int run(String server, Path cwd, List<String> args, String token, PrintStream out,
                          PrintStream err) {
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server + "runs" : server + "/runs");
        } catch (IllegalArgumentException e) {
            err.println("highdim: HIGHDIM_SERVER is not a URL: " + server);
            return 2;
        }
        HttpURLConnection http;
        try {
            http = (HttpURLConnection) uri.toURL().openConnection();
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setConnectTimeout(10_000);
            http.setReadTimeout(0); // a run takes as long as it takes; the server sends a keep-alive every 10 s
            http.setRequestProperty("Content-Type", "application/json");
            if (token != null && !token.isBlank()) http.setRequestProperty("Authorization", "Bearer " + token.trim());
            byte[] body = body(cwd, args).getBytes(StandardCharsets.UTF_8);
            http.setFixedLengthStreamingMode(body.length);
            try (OutputStream o = http.getOutputStream()) {
                o.write(body);
            }
            int status = http.getResponseCode();
            if (status != 200) {
                InputStream e = http.getErrorStream();
                String why = e == null ? "" : new String(e.readAllBytes(), StandardCharsets.UTF_8).trim();
                err.println("highdim: the server at " + server + " refused the run (HTTP " + status + "): " + why
                        + (status == 404 ? " (is it started with serve --runs?)" : "")
                        + (status == 401 ? " (set HIGHDIM_TOKEN, or HIGHDIM_STATE_DIR to the server's --state-dir: "
                        + "its token file is there, " + ServiceToken.FILE_NAME + ")" : ""));
                return 1;
            }
        } catch (IOException e) {
            err.println("highdim: cannot reach the server at " + server + ": " + e);
            return 1;
        }
        try (BufferedReader frames = new BufferedReader(new InputStreamReader(http.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String frame; (frame = frames.readLine()) != null; ) {
                if (frame.isEmpty()) continue;
                String text = frame.length() > 2 ? frame.substring(2) : "";
                switch (frame.charAt(0)) {
                    case 'o' -> out.println(text);
                    case 'e' -> err.println(text);
                    case 'x' -> {
                        out.flush();
                        return Integer.parseInt(text.trim());
                    }
                    default -> { } // 'k': keep-alive
                }
            }
        } catch (IOException | NumberFormatException e) {
            err.println("highdim: lost the server at " + server + " during the run: " + e);
            return 1;
        }
        err.println("highdim: the server at " + server + " ended the run without an exit code (did it stop?)");
        return 1;
    }

    private static String body(Path cwd, List<String> args) {
        StringBuilder b = new StringBuilder("{\"cwd\":").append(quote(cwd.toString())).append(",\"args\":[");
        for (int i = 0; i < args.size(); i++) b.append(i > 0 ? "," : "").append(quote(args.get(i)));
        return b.append("]}").toString();
    }

    /** A JSON string (RFC 8259: quote, backslash and control characters escaped). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }
}
