package io.highdim.jobs.serve;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * What a request must show before any route sees it, in this order:
 * <ol>
 * <li>{@code Host} names this server — a loopback name or the bind address (for a wildcard bind also the machine's
 * names and addresses), with its port — else 403: a page whose name was rebound to 127.0.0.1 (DNS rebinding) sends
 * its own name;</li>
 * <li>an {@code Origin}, when present, is this server's own ({@code http://} one of those names and the port), else
 * 403: browsers send it on cross-site requests, and refusing them before the route runs also refuses the requests a
 * page may send without a CORS preflight (a {@code text/plain} POST, a form upload); so is a request a browser marks
 * {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none} (a page's {@code <img>} or link to a route,
 * which carries no Origin);</li>
 * <li>{@code Authorization: Bearer TOKEN} on every request, reading ones included, else 401 with
 * {@code WWW-Authenticate: Bearer}: on a shared machine every local user reaches a loopback port, and {@code /slice}
 * renders planes of files only the server's user may read;</li>
 * <li>a POST other than {@code /upload} (multipart) is JSON: {@code Content-Type: application/json}, else 415 (a
 * browser cannot send that cross-site without a preflight, which this server never grants).</li>
 * </ol>
 */
final class RequestGuard implements Handler {
    private final byte[] tokenDigest;
    private final Set<String> hostNames;
    private final IntSupplier port;

    /** {@code port}: the port it listens on, known once started. */
    RequestGuard(String token, String bind, IntSupplier port) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the service needs a token");
        this.tokenDigest = sha256(token);
        this.hostNames = hostNames(bind);
        this.port = port;
    }

    @Override
    public void handle(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || !namesThisServer(host)) {
            throw new ApiError(403, "the Host header '" + shortened(host) + "' does not name this server (use "
                    + "http://127.0.0.1:" + port.getAsInt() + " or the address it is bound to)");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !isOwnOrigin(origin)) {
            throw new ApiError(403, "requests from pages of another origin (" + shortened(origin) + ") are refused");
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            throw new ApiError(403, "requests from pages of another origin (Sec-Fetch-Site: " + shortened(site)
                    + ") are refused");
        }
        String method = ctx.method().name();
        if (!carriesToken(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"highdim\"");
            throw new ApiError(401, "this route needs the service's token: Authorization: Bearer TOKEN (serve "
                    + "printed the token file's path when it started)");
        }
        if (method.equals("POST") && !ctx.path().startsWith("/upload")
                && !isJson(ctx.header("Content-Type"))) {
            throw new ApiError(415, "the body must be sent as Content-Type: application/json");
        }
    }

    /** Whether {@code bind} is a loopback address (or a name that is one, e.g. localhost). */
    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Constant time: both sides are hashed first, so neither the token's content nor its length shows. */
    private boolean carriesToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).trim()));
    }

    private boolean namesThisServer(String hostAndPort) {
        String host;
        int givenPort;
        int colon = hostAndPort.lastIndexOf(':');
        if (colon > hostAndPort.lastIndexOf(']')) { // [::1]:5000 or name:5000
            host = hostAndPort.substring(0, colon);
            try {
                givenPort = Integer.parseInt(hostAndPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        } else {
            host = hostAndPort;
            givenPort = 80;
        }
        return givenPort == port.getAsInt() && hostNames.contains(host.toLowerCase(Locale.ROOT));
    }

    private boolean isOwnOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getRawAuthority() == null || uri.getRawPath() != null
                    && !uri.getRawPath().isEmpty()) {
                return false;
            }
            return namesThisServer(uri.getRawAuthority());
        } catch (java.net.URISyntaxException e) {
            return false; // includes "null", a sandboxed page's or a file's origin
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) return false;
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    /**
     * The names a client may give in Host: the loopback ones and the bind address; for a wildcard bind also the
     * machine's host names and its interfaces' addresses (IPv6 ones in brackets, as Host writes them).
     */
    private static Set<String> hostNames(String bind) {
        Set<String> names = new TreeSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        names.add(hostLiteral(bind));
        try {
            InetAddress address = InetAddress.getByName(bind);
            if (address.isAnyLocalAddress()) {
                InetAddress local = InetAddress.getLocalHost();
                names.add(local.getHostName().toLowerCase(Locale.ROOT));
                names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        names.add(hostLiteral(a.getHostAddress().replaceFirst("%.*$", "")));
                    }
                }
            }
        } catch (UnknownHostException | SocketException e) {
            // the bind address and loopback names only
        }
        return Set.copyOf(names);
    }

    private static String hostLiteral(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        return a.contains(":") && !a.startsWith("[") ? "[" + a + "]" : a;
    }

    private static String shortened(String header) {
        if (header == null) return "";
        return header.length() > 100 ? header.substring(0, 100) + "..." : header;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
