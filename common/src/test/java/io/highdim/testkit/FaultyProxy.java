package io.highdim.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP proxy for tests, on 127.0.0.1 (a free port), in front of an S3 endpoint such as
 * {@link S3ProxyProcess}: point {@code fs.s3a.endpoint} at {@link #endpoint()} (path-style URLs).
 *
 * <p>It works at the level of HTTP requests, not bytes: it reads one request (head and Content-Length body) from
 * the client, decides its fate, and either fails it or forwards it on a fresh upstream connection. Every request is
 * forwarded and answered with {@code Connection: close}, so the client opens a new connection for the next one:
 * the proxy never has to find where a response ends (chunked, HEAD, ...), it streams the upstream bytes until the
 * upstream closes.
 *
 * <p>Faults ({@link Fault}): a share of requests, drawn with a seeded {@link Random}, fail once each (a request is
 * the method, the path with its query and the Range header): the same request again passes, so a client that
 * retries gets the same bytes as without faults. {@link #goneAfter} / {@link #gone()} make the store vanish for
 * good: every later connection is reset as soon as it is accepted.
 */
public final class FaultyProxy implements AutoCloseable {
    /** What the proxy does to a request it fails. */
    public enum Fault {
        /** Reads the request, then resets the connection (RST) without answering. */
        RESET,
        /** Holds the connection without answering for the stall time, then resets it. */
        STALL,
        /** Answers {@code 503 Slow Down} with S3's XML error body ({@code SlowDown}), as S3 does when throttling. */
        SLOW_DOWN,
        /** Answers {@code 500 Internal Error} with S3's XML error body ({@code InternalError}). */
        INTERNAL_ERROR
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Random random;
    private final Set<String> failedOnce = new HashSet<>();
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile double share;
    private volatile List<Fault> faults = List.of();
    private volatile long stallMillis = 2000;
    private volatile long goneAfter = Long.MAX_VALUE;
    private volatile Predicate<String> counted = line -> true;
    private final AtomicLong countedSeen = new AtomicLong();
    private volatile boolean closed;

    private FaultyProxy(ServerSocket server, String upstreamHost, int upstreamPort, long seed) {
        this.server = server;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.random = new Random(seed);
        for (Fault f : Fault.values()) injected.put(f, new AtomicInteger());
    }

    /** A proxy to {@code 127.0.0.1:upstreamPort}, passing everything until told otherwise. */
    public static FaultyProxy start(int upstreamPort, long seed) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultyProxy proxy = new FaultyProxy(server, "127.0.0.1", upstreamPort, seed);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String endpoint() { return "http://127.0.0.1:" + server.getLocalPort(); }

    /** From now on, {@code share} (0..1) of the requests not failed before fail once, with one of {@code faults}. */
    public synchronized FaultyProxy failOnce(double share, Fault... faults) {
        this.faults = List.of(faults);
        this.share = faults.length == 0 ? 0 : share;
        return this;
    }

    /** How long a {@link Fault#STALL} holds the connection before resetting it. */
    public FaultyProxy stallMillis(long millis) {
        this.stallMillis = millis;
        return this;
    }

    /**
     * The store goes away for good once {@code n} requests whose request line (e.g. {@code PUT /bucket/key HTTP/1.1})
     * {@code which} accepts have been answered, counted from now: the n-th is forwarded, nothing after it is.
     */
    public FaultyProxy goneAfter(long n, Predicate<String> which) {
        this.counted = which;
        this.countedSeen.set(0);
        this.goneAfter = n;
        return this;
    }

    /** The store goes away for good now. */
    public FaultyProxy gone() { return goneAfter(0, line -> true); }

    /** How many requests failed with this fault. */
    public int injected(Fault fault) { return injected.get(fault).get(); }

    /** How many requests failed, all faults together. */
    public int injected() { return injected.values().stream().mapToInt(AtomicInteger::get).sum(); }

    /** How many requests were forwarded to the store. */
    public int forwarded() { return forwarded.get(); }

    /** How many connections were reset because the store is gone. */
    public int refused() { return refused.get(); }

    @Override
    public String toString() {
        return "FaultyProxy{forwarded=" + forwarded + ", injected=" + injected + ", refused after gone=" + refused + "}";
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("FaultyProxy stopped accepting", e);
            }
        }
    }

    /** One connection, one request (answered with Connection: close). */
    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            if (countedSeen.get() >= goneAfter) {
                refused.incrementAndGet();
                reset(client);
                return;
            }
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Head head = Head.read(in);
            if (head == null) return; // the client closed an idle connection
            if (countedSeen.get() >= goneAfter) { // gone while this request was on its way
                refused.incrementAndGet();
                reset(client);
                return;
            }
            boolean expectContinue = "100-continue".equalsIgnoreCase(head.header("Expect"));
            Fault fault = decide(head.requestLine.split(" ")[0] + " " + head.requestLine.split(" ")[1]
                    + " " + head.header("Range"));
            // a client that waits for "100 Continue" sends no body; otherwise read it, so closing sends FIN, not RST
            byte[] body = fault == null || !expectContinue ? readBody(in, out, head, expectContinue) : new byte[0];
            if (fault != null) {
                injected.get(fault).incrementAndGet();
                fail(client, out, fault);
                return;
            }
            forward(head, body, out);
            forwarded.incrementAndGet();
            if (counted.test(head.requestLine)) countedSeen.incrementAndGet();
        } catch (IOException e) {
            // the client went away or the upstream failed: the client sees the connection end, as from a real store
        }
    }

    /** The fault for this request, or null to pass it: each request key fails at most once. */
    private synchronized Fault decide(String key) {
        if (share <= 0 || failedOnce.contains(key) || random.nextDouble() >= share) return null;
        failedOnce.add(key);
        return faults.get(random.nextInt(faults.size()));
    }

    private byte[] readBody(InputStream in, OutputStream out, Head head, boolean expectContinue) throws IOException {
        if (head.header("Transfer-Encoding") != null) {
            throw new IOException("chunked request bodies are not supported: " + head.requestLine);
        }
        String length = head.header("Content-Length");
        if (length == null || length.equals("0")) return new byte[0];
        if (expectContinue) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) throw new EOFException("request body cut short");
        return body;
    }

    private void fail(Socket client, OutputStream out, Fault fault) throws IOException {
        switch (fault) {
            case RESET -> reset(client);
            case STALL -> {
                try {
                    Thread.sleep(stallMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reset(client);
            }
            case SLOW_DOWN -> error(out, "503 Slow Down", "SlowDown", "Please reduce your request rate.");
            case INTERNAL_ERROR -> error(out, "500 Internal Server Error", "InternalError",
                    "We encountered an internal error. Please try again.");
        }
    }

    /** An abortive close: the peer sees "connection reset". */
    private static void reset(Socket socket) throws SocketException {
        socket.setSoLinger(true, 0);
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static void error(OutputStream out, String status, String code, String message) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>faulty-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nx-amz-request-id: faulty-proxy\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /**
     * The request upstream, unchanged but for Connection: close (the signature covers Host and Expect, so they stay);
     * then the final response back, its head with Connection: close, its body streamed until the upstream closes.
     */
    private void forward(Head head, byte[] body, OutputStream out) throws IOException {
        try (Socket upstream = new Socket(upstreamHost, upstreamPort)) {
            upstream.setSoTimeout(120_000);
            OutputStream up = upstream.getOutputStream();
            up.write(head.withConnectionClose());
            up.write(body);
            up.flush();
            InputStream down = upstream.getInputStream();
            Head response = Head.read(down);
            while (response != null && response.requestLine.matches("HTTP/1\\.[01] 1\\d\\d.*")) {
                response = Head.read(down); // an interim 100 Continue: the client had ours already
            }
            if (response == null) throw new EOFException("the upstream closed without answering");
            out.write(response.withConnectionClose());
            down.transferTo(out);
            out.flush();
        }
    }

    /** An HTTP message head: the first line and the header lines, as received. */
    private record Head(String requestLine, List<String> headers) {
        /** Reads up to the blank line; null if the stream ends before any byte. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0; // how much of \r\n\r\n has been seen
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (bytes.size() == 0) return null;
                    throw new EOFException("message head cut short");
                }
                bytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (bytes.size() > MAX_HEAD) throw new IOException("message head longer than " + MAX_HEAD);
            }
            String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
            return new Head(lines[0], headers);
        }

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String h : headers) {
                if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) return h.substring(prefix.length()).trim();
            }
            return null;
        }

        byte[] withConnectionClose() {
            StringBuilder s = new StringBuilder(requestLine).append("\r\n");
            for (String h : headers) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) s.append(h).append("\r\n");
            }
            return s.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
