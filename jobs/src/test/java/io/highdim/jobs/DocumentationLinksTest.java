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
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in README.md and docs/*.md resolves: the file or folder exists inside the repository and a
 * {@code #anchor} names a heading of the target page (GitHub's heading ids). Absolute URLs are not fetched. Runs in
 * {@code mvn -B verify}, so CI fails on a moved page or a renamed heading, naming file:line.
 *
 * <p>Pages are parsed by commonmark-java, so links inside code are not links, and a heading's id is made by its
 * heading-anchor extension, as github.com makes it.
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
            for (Link link : links(parse(page))) {
                String why = problem(repo, page, link.target(), anchors);
                if (why != null) {
                    broken.add(repo.relativize(page) + ":" + link.line() + ": " + link.target() + " (" + why + ")");
                }
            }
        }
        return broken;
    }

    record Link(int line, String target) {}

    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();
    private static final Pattern HTML_ID = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

    /** The links, images and link reference definitions of a page, with their 1-based line numbers. */
    static List<Link> links(Node page) {
        List<Link> links = new ArrayList<>();
        page.accept(new AbstractVisitor() {
            @Override public void visit(org.commonmark.node.Link link) {
                add(link, link.getDestination());
                visitChildren(link);
            }

            @Override public void visit(Image image) {
                add(image, image.getDestination());
            }

            @Override public void visit(LinkReferenceDefinition definition) {
                add(definition, definition.getDestination());
            }

            private void add(Node node, String target) {
                links.add(new Link(node.getSourceSpans().get(0).getLineIndex() + 1, target));
            }
        });
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
        Set<String> ids = anchors.computeIfAbsent(resolved, p -> headingIds(parse(p)));
        return ids.contains(URLDecoder.decode(anchor, StandardCharsets.UTF_8)) ? null : "no heading with that id";
    }

    /** The ids GitHub gives a page's headings (repeats get -1, -2, …), plus explicit {@code <a id=…>} anchors. */
    static Set<String> headingIds(Node page) {
        Set<String> ids = new HashSet<>();
        IdGenerator generator = IdGenerator.builder().build(); // numbers repeats, as GitHub does
        page.accept(new AbstractVisitor() {
            @Override public void visit(Heading heading) {
                ids.add(generator.generateId(text(heading)));
            }

            @Override public void visit(HtmlInline html) {
                htmlIds(html.getLiteral());
            }

            @Override public void visit(HtmlBlock html) {
                htmlIds(html.getLiteral());
            }

            private void htmlIds(String html) {
                Matcher m = HTML_ID.matcher(html);
                while (m.find()) ids.add(m.group(1));
            }
        });
        return ids;
    }

    /** GitHub's id of a heading written as {@code markdown} (e.g. "PCA scores (`--scores`)"). */
    static String slug(String markdown) {
        return IdGenerator.builder().build().generateId(text(MARKDOWN.parse("# " + markdown).getFirstChild()));
    }

    /** A heading's text as GitHub takes it for the id: its words and code, without the markup. */
    private static String text(Node heading) {
        StringBuilder text = new StringBuilder();
        heading.accept(new AbstractVisitor() {
            @Override public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override public void visit(Code code) {
                text.append(code.getLiteral());
            }
        });
        return text.toString();
    }

    private static Node parse(Path page) {
        try {
            return MARKDOWN.parse(Files.readString(page, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
