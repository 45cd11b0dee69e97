package io.highdim.jobs.serve;

import static io.highdim.jobs.serve.ServiceAccessTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.Run;
import io.highdim.jobs.testkit.SegmentedImages;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.model.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /objects} over hand-built segmentations ({@link SegmentedImages}: the expected numbers are worked out
 * from its documented ones): the objects as {@code show objects} prints them, filtered by time and channel; 400, 404,
 * 409 as the other routes answer; the token and origin rules of every route.
 */
class ObjectsRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "objects-test-" + UUID.randomUUID();
    private static final String AUTH = "Authorization: Bearer " + TOKEN;
    private static final String SEGMENTED = "objects_route_u16", NONE = "objects_route_none",
            REJECTED = "objects_route_rejected";
    @TempDir static Path work;
    private static ServiceServer server;
    private static RawHttp http;

    @BeforeAll
    static void serve() throws Exception {
        SegmentedImages.commit(SharedCatalogue.database(), "run-objects-route", List.of(
                new SegmentedImages.Image(SegmentedImages.ref(SEGMENTED, "file:/data/" + SEGMENTED + ".tif"),
                        new ImageGeometry("uint16", 4, 2, 2, 8, 9, "imagej"),
                        SegmentedImages.volumes(SEGMENTED, 2, 2, 2, 0)),
                new SegmentedImages.Image(SegmentedImages.ref(NONE, "file:/data/" + NONE + ".tif"),
                        new ImageGeometry("uint16", 4, 1, 1, 8, 9, "imagej"), null)));
        try (Run run = Run.open(SharedCatalogue.database(), "run-objects-rejected", "test", List.of(), null, null)) {
            run.commit(List.of(new ImageOutcome.Rejected(SegmentedImages.ref(REJECTED, "file:/data/r.tif"),
                    Optional.empty(), List.of(), new Rejection(RejectReason.TRUNCATED, "ends early"))), null);
            run.finish(RunStatus.SUCCEEDED, null, null);
        }
        server = ServiceServer.start(SharedCatalogue.database(), new Configuration(), new ServiceServer.Settings(
                "127.0.0.1", 0, work.resolve("uploads"), 1 << 20, 1, TOKEN), null);
        http = new RawHttp(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void objectsAreAJsonListInTimeChannelLabelOrder() throws Exception {
        RawHttp.Response all = get("/objects?image_id=" + SEGMENTED);
        assertEquals(200, all.status(), all.toString());
        assertEquals("application/json", all.header("Content-Type"));
        JsonNode objects = JSON.readTree(all.body());
        assertEquals(List.of("0 0 1", "0 0 2", "1 0 1", "1 0 2", "1 0 3", "1 1 1", "1 1 2", "1 1 3"), keys(objects));
        // object 2 of (t 1, c 0): 5 voxels, sum 5 x 6; channel 1's mean over it is NaN: null
        assertEquals(JSON.readTree("{\"time\":1,\"channel\":0,\"label\":2,\"voxels\":5,"
                + "\"centroid\":[0.5,0.3333333333333333,7.25],\"bbox\":[1,2,0,2,5,9],\"min\":1,\"max\":11.5,"
                + "\"mean\":6.0,\"sum\":30,\"channel_means\":[6.0,null]}"), objects.get(3));

        assertEquals(List.of("1 0 1", "1 0 2", "1 0 3", "1 1 1", "1 1 2", "1 1 3"),
                keys(JSON.readTree(get("/objects?image_id=" + SEGMENTED + "&time=1").body())));
        assertEquals(List.of("1 1 1", "1 1 2", "1 1 3"),
                keys(JSON.readTree(get("/objects?image_id=" + SEGMENTED + "&channel=1").body())));
        assertEquals(List.of("0 0 1", "0 0 2"),
                keys(JSON.readTree(get("/objects?image_id=" + SEGMENTED + "&time=0&channel=0").body())));
        RawHttp.Response empty = get("/objects?image_id=" + SEGMENTED + "&time=0&channel=1");
        assertEquals(200, empty.status(), empty.toString());
        assertEquals("[]", empty.body(), "a volume segmented without objects");
    }

    @Test
    void badParametersAre400UnknownImages404AndNotSegmented409() throws Exception {
        String s = "/objects?image_id=" + SEGMENTED;
        assertError(400, "image_id", get("/objects"));
        assertError(400, "image_id", get("/objects?image_id=a%00b"));
        assertError(400, "time", get(s + "&time=abc"));
        assertError(400, "channel", get(s + "&channel=1.5"));
        assertError(400, "time=2 is outside 0..1", get(s + "&time=2"));
        assertError(400, "time=-1", get(s + "&time=-1"));
        assertError(400, "channel=2 is outside 0..1", get(s + "&channel=2"));
        assertError(400, "time", get("/objects?image_id=objects_route_nope&time=x")); // malformed before unknown
        assertError(404, "no image objects_route_nope", get("/objects?image_id=objects_route_nope"));
        assertError(404, "was rejected: TRUNCATED", get("/objects?image_id=" + REJECTED));
        RawHttp.Response none = get("/objects?image_id=" + NONE);
        assertError(409, "not segmented", none);
        assertEquals("scripts/highdim segment file:/data/" + NONE + ".tif",
                JSON.readTree(none.body()).get("command").asText());
    }

    @Test
    void theTokenAndOriginRulesOfEveryRoute() throws Exception {
        String target = "/objects?image_id=" + SEGMENTED;
        assertError(401, "token", http.send("GET", target, null, http.host()));
        assertError(401, "token", http.send("GET", target, null, http.host(), "Authorization: Bearer wrong"));
        assertError(403, "origin", http.send("GET", target, null, http.host(), AUTH, "Origin: http://evil.example"));
        assertError(403, "origin", http.send("GET", target, null, http.host(), AUTH, "Sec-Fetch-Site: cross-site"));
        assertError(403, "Host", http.send("GET", target, null, "Host: evil.example:" + server.port(), AUTH));
        assertEquals(200, http.send("GET", target, null, http.host(), AUTH, "Origin: http://127.0.0.1:"
                + server.port()).status());
    }

    private static RawHttp.Response get(String target) throws Exception {
        return http.send("GET", target, null, http.host(), AUTH);
    }

    /** "t c label" of each object. */
    private static List<String> keys(JsonNode objects) {
        List<String> keys = new ArrayList<>();
        for (JsonNode o : objects) {
            keys.add(o.get("time").asInt() + " " + o.get("channel").asInt() + " " + o.get("label").asInt());
        }
        return keys;
    }
}
