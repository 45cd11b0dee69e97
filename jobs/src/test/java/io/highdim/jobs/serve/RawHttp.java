package io.highdim.jobs.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * HTTP/1.1 over a plain socket, as a probe (or a browser, or a hostile page) sends it: any Host, Origin or bytes,
 * which java.net.http refuses to send. One request per connection.
 */
final class RawHttp {
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) { return headers.getOrDefault(name.toLowerCase(Locale.ROOT), ""); }

        @Override
        public String toString() { return status + " " + headers + "\n" + body; }
    }

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /** {@code headers}: "Name: value" lines, Host included if wanted (none is added). */
    Response send(String method, String target, byte[] body, String... headers) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String h : headers) head.append(h).append("\r\n");
        if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        request.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) request.write(body);
        return exchange(request.toByteArray(), 0);
    }

    /** The Host header naming this server as a client would. */
    String host() {
        return "Host: 127.0.0.1:" + port;
    }

    /** Sends {@code request} (all but its last {@code holdBack} bytes first, then those) and reads the answer. */
    Response exchange(byte[] request, int holdBack) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request, 0, request.length - holdBack);
            out.flush();
            if (holdBack > 0) {
                out.write(request, request.length - holdBack, holdBack);
                out.flush();
            }
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    /** A multipart/form-data body with one file field named {@code file}, its filename given as raw bytes. */
    static byte[] multipart(String boundary, byte[] fileName, byte[] content) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .getBytes(StandardCharsets.UTF_8));
        body.write(fileName);
        body.write("\"\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    static String boundary() {
        return "highdim" + UUID.randomUUID();
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) throw new AssertionError("no HTTP answer: " + text);
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
                    .trim());
        }
        String body = text.substring(end + 4);
        if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) body = dechunk(body);
        return new Response(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) return out.toString();
            // sizes count bytes; the bodies here are ASCII JSON or frames
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
