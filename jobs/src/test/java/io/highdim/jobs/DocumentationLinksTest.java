package io.highdim.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in README.md and docs/*.md resolves: the file or folder exists inside the repository and a
 * {@code #anchor} names a heading of the target page (GitHub's heading ids). Absolute URLs are not fetched. Runs in
 * {@code mvn -B verify}, so CI fails on a moved page or a renamed heading, naming file:line.
 *
 * <p>A small scanner rather than a Markdown library (no new dependency): the pages use only inline links, images and
 * reference definitions, outside code.
 */
class DocumentationLinksTest {
    private static final Path REPOSITORY = Paths.get("..").toAbsolutePath().normalize();

    @Test
    void everyRelativeLinkInReadmeAndDocsResolves() {
        assertTrue(Files.isRegularFile(REPOSITORY.resolve("README.md")), "no README.md under " + REPOSITORY);
        List<String> broken = brokenLinks(REPOSITORY);
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void aBrokenLinkOrAnchorIsReportedWithItsFileAndLine(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/serve.md"), """
                # Serve

                ## Runs on a running server (`serve --runs`, `HIGHDIM_SERVER`)
                """);
        Files.writeString(repo.resolve("README.md"), """
                # highdim

                [ok](docs/serve.md) and [ok too](docs/serve.md#runs-on-a-running-server-serve---runs-highdim_server)
                [gone](docs/missing.md)
                [bad anchor](docs/serve.md#runs)
                ```
                [in a code block](nowhere.md)
                ```
                `[in code](nowhere.md)` [here](#highdim) [not here](#nothing) [web](https://example.org/x.md)
                [outside](../outside.md)

                [ref]: docs/also-missing.md
                """);
        List<String> broken = brokenLinks(repo);
        assertEquals(List.of(
                "README.md:4: docs/missing.md (no such file)",
                "README.md:5: docs/serve.md#runs (no heading with that id)",
                "README.md:9: #nothing (no heading with that id)",
                "README.md:10: ../outside.md (outside the repository)",
                "README.md:12: docs/also-missing.md (no such file)"), broken);
    }

    @Test
    void headingIdsAreGitHubs() {
        // ids as github.com renders them for these headings (lower case, punctuation dropped, each space a hyphen)
        assertEquals("runs-on-a-running-server-serve---runs-highdim_server",
                slug("Runs on a running server (`serve --runs`, `HIGHDIM_SERVER`)"));
        assertEquals("archives-incremental-resumable-and-concurrent-runs",
                slug("Archives: incremental, resumable and concurrent runs"));
        assertEquals("pca-scores---scores", slug("PCA scores (`--scores`)"));
        assertEquals("on-s3", slug("On **S3**"));
        assertEquals("see-the-catalogue", slug("See [the catalogue](catalogue.md)"));
    }

    /** Broken links of README.md and docs/*.md under {@code repo}, as {@code file:line: target (why)}. */
    static List<String> brokenLinks(Path repo) {
        List<Path> pages = new ArrayList<>();
        pages.add(repo.resolve("README.md"));
        Path docs = repo.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            if (!Files.isRegularFile(page)) continue;
            for (Link link : links(read(page))) {
                String why = problem(repo, page, link.target(), anchors);
                if (why != null) {
                    broken.add(repo.relativize(page) + ":" + link.line() + ": " + link.target() + " (" + why + ")");
                }
            }
        }
        return broken;
    }

    record Link(int line, String target) {}

    // [text](target "title") and ![alt](target); the text may hold `code` but not nested brackets
    private static final Pattern INLINE = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+).*?\\1");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ID = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

    /** The links of a page outside fenced code blocks and code spans, with their 1-based line numbers. */
    static List<Link> links(List<String> lines) {
        List<Link> links = new ArrayList<>();
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) continue;
            String text = CODE_SPAN.matcher(line).replaceAll("");
            Matcher m = INLINE.matcher(text);
            while (m.find()) links.add(new Link(i + 1, m.group(1)));
            Matcher r = REFERENCE.matcher(text);
            if (r.find()) links.add(new Link(i + 1, r.group(1)));
        }
        return links;
    }

    /** Why {@code target}, linked from {@code page}, does not resolve; null if it does or is not relative. */
    private static String problem(Path repo, Path page, String target, Map<Path, Set<String>> anchors) {
        if (target.isEmpty()) return "empty target";
        if (target.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || target.startsWith("//")) return null; // a URL
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!resolved.startsWith(repo)) return "outside the repository";
        if (!Files.exists(resolved)) return "no such file";
        if (anchor == null) return null;
        if (!resolved.toString().endsWith(".md") || !Files.isRegularFile(resolved)) return "an anchor into a non-Markdown file";
        Set<String> ids = anchors.computeIfAbsent(resolved, p -> headingIds(read(p)));
        return ids.contains(URLDecoder.decode(anchor, StandardCharsets.UTF_8)) ? null : "no heading with that id";
    }

    /** The ids GitHub gives a page's headings (repeats get -1, -2, …), plus explicit {@code <a id=…>} anchors. */
    static Set<String> headingIds(List<String> lines) {
        Set<String> ids = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) continue;
            Matcher html = HTML_ID.matcher(line);
            while (html.find()) ids.add(html.group(1));
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) continue;
            String base = slug(h.group(1));
            int n = seen.merge(base, 1, Integer::sum) - 1;
            ids.add(n == 0 ? base : base + "-" + n);
        }
        return ids;
    }

    /** GitHub's heading id: the heading's text, lower case, without punctuation, each space a hyphen. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link: its text
                .replace("`", "").replace("*", "");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{Nd}\\p{Mn}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    private static List<String> read(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
