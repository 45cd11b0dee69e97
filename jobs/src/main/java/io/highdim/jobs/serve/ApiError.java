package io.highdim.jobs.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the service refuses, with the status and the {@code {"error": ...}} body the client gets (plus any extra
 * fields, e.g. the command that would compute what is missing). Thrown by the handlers, rendered by
 * {@link ServiceServer}; anything else a handler throws is our bug and answers 500.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    ApiError(int status, String message) {
        super(message, null, false, false); // no stack trace: this is an answer, not a failure
        this.status = status;
    }

    static ApiError badRequest(String message) { return new ApiError(400, message); }

    static ApiError notFound(String message) { return new ApiError(404, message); }

    /** 409: the catalogue does not hold it yet; {@code command} computes it. */
    static ApiError notComputed(String message, String command) {
        return new ApiError(409, message).with("command", command);
    }

    ApiError with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    int status() { return status; }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        body.putAll(extra);
        return body;
    }
}
