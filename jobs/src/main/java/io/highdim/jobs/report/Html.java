package io.highdim.jobs.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Escaping, and the page shell: each page carries its CSS, Chart.js and our drawing script inline (self-contained). */
final class Html {
    /** The vendored Chart.js (npm chart.js 4.5.1, dist/chart.umd.min.js; MIT, report/chart.js-LICENSE.md). */
    static final String CHART_JS = "report/chart-4.5.1.umd.min.js";

    private Html() {}

    static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    /** JSON inside a script element: "</" would end the element early. */
    static String scriptJson(String json) {
        return json.replace("</", "<\\/");
    }

    /**
     * A whole page. {@code data}: JSON for the drawing script (null: no charts); {@code charts}: how many charts it
     * is to draw, which the page compares with what it drew ({@code data-charts-drawn} on {@code <html>}).
     */
    static String page(String title, String body, String data, int charts) {
        StringBuilder p = new StringBuilder(64 * 1024);
        p.append("<!DOCTYPE html>\n<html lang=\"en\" data-charts-expected=\"").append(charts).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n<title>").append(escape(title)).append("</title>\n")
                // first: any error later on (a script that fails to parse or run) is counted and shown in the page
                .append("<script>").append(resource("report/errors.js")).append("</script>\n")
                .append("<style>").append(resource("report/report.css")).append("</style>\n");
        if (data != null) {
            p.append("<script>").append(chartJs()).append("</script>\n")
                    .append("<script type=\"application/json\" id=\"report-data\">").append(scriptJson(data))
                    .append("</script>\n");
        }
        p.append("</head>\n<body>\n").append(body).append("<pre id=\"report-errors\"></pre>\n");
        if (data != null) p.append("<script>").append(resource("report/report.js")).append("</script>\n");
        return p.append("</body>\n</html>\n").toString();
    }

    /** Without its source-map comment: the map is not shipped, and a page must not point at a missing file. */
    private static String chartJs() {
        return resource(CHART_JS).replaceAll("(?m)^//# sourceMappingURL=.*$", "");
    }

    static String resource(String name) {
        try (InputStream in = Html.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the jar has no " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
