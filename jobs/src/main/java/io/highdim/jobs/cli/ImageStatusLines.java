package io.highdim.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.incremental.Decision;
import io.highdim.jobs.incremental.InputPlan;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The console's part of a run: one JSON line per image ({@code image_id, uri, status, reason}), processed images
 * first (ok, then rejected, each by id), then those left as the catalogue holds them ({@code "unchanged"}, or
 * {@code "skipped"} with the run that holds the file); a dry run prints one line per file instead.
 */
final class ImageStatusLines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    ImageStatusLines(PrintStream out) {
        this.out = out;
    }

    /** One image's line: what the report keeps of its outcome. */
    record Line(String imageId, String uri, String status, String reason) {
        static Line of(ImageOutcome o) {
            return new Line(o.imageId(), o.image().uri(), o.status().label(),
                    o instanceof ImageOutcome.Rejected r ? r.rejection().text() : null);
        }

        boolean rejected() { return ImageStatus.REJECTED.label().equals(status); }
    }

    /** Accepted images first, each group by id : a stable order whatever order tasks finish in. */
    private static final Comparator<Line> ORDER = Comparator.comparing(Line::rejected).thenComparing(Line::imageId);

    void print(List<Line> outcomes, List<Decision> leftAlone) throws JsonProcessingException {
        List<Line> sorted;
        synchronized (outcomes) {
            sorted = new ArrayList<>(outcomes);
        }
        sorted.sort(ORDER);
        for (Line o : sorted) line(o.imageId(), o.uri(), o.status(), o.reason());
        for (Decision d : leftAlone) {
            if (d.why() == Decision.Why.UNCHANGED) {
                for (String id : d.imageIds()) line(id, d.uri(), "unchanged", null);
            } else {
                line(d.baseId(), d.uri(), "skipped", "another run is processing this file (" + d.detail() + ")");
            }
        }
        out.flush();
    }

    /** One line per file: {@code uri, image_id} (the file's id; images of multi-image files add #N), action, why. */
    void printDryRun(InputPlan plan) throws JsonProcessingException {
        for (Decision d : plan.decisions().values()) {
            ObjectNode line = JSON.createObjectNode();
            line.put("image_id", d.baseId());
            line.put("uri", d.uri());
            line.put("action", d.reads() ? "read" : "skip");
            line.put("why", d.why().label());
            line.put("detail", d.detail().isEmpty() ? null : d.detail());
            out.println(JSON.writeValueAsString(line));
        }
        for (ImageOutcome.Rejected r : plan.listing().unreadable()) {
            line(r.imageId(), r.image().uri(), r.status().label(), r.rejection().text());
        }
        out.flush();
    }

    private void line(String imageId, String uri, String status, String reason) throws JsonProcessingException {
        ObjectNode line = JSON.createObjectNode();
        line.put("image_id", imageId);
        line.put("uri", uri);
        line.put("status", status);
        line.put("reason", reason);
        out.println(JSON.writeValueAsString(line));
    }
}
