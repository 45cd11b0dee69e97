package io.highdim.jobs.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.catalogue.ServiceJson;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageStatus;
import io.highdim.model.PcaResult;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.InputStream;
import java.util.Optional;

/**
 * The service's routes over the catalogue: each handler answers the Python service's JSON, or throws an
 * {@link ApiError} (400 malformed, 404 unknown image, 409 not computed yet) that {@link ServiceServer} renders.
 */
final class ServiceApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogueReader catalogue;
    private final SliceSource slices;
    private final Uploads uploads;

    ServiceApi(CatalogueReader catalogue, SliceSource slices, Uploads uploads) {
        this.catalogue = catalogue;
        this.slices = slices;
        this.uploads = uploads;
    }

    /** {@code GET /metadata?image_id=ID}. */
    void metadata(Context ctx) {
        json(ctx, 200, ServiceJson.metadataJson(geometry(okImage(ctx))));
    }

    /** {@code GET /statistics?image_id=ID}: 409 (with the command) until a run computed them. */
    void statistics(Context ctx) {
        CataloguedImage image = okImage(ctx);
        String json = catalogue.statisticsJson(image.imageId()).orElseThrow(() -> ApiError.notComputed(
                "no statistics computed for image " + image.imageId() + " yet",
                "scripts/highdim stats " + image.ref().uri()));
        json(ctx, 200, json);
    }

    /** {@code GET /slice?image_id=ID&z=Z&time=T&channel=C}: the plane's 8-bit PNG. */
    void slice(Context ctx) throws Exception {
        // malformed numbers first: a client error whatever the image
        int z = integer(ctx, "z"), t = integer(ctx, "time"), c = integer(ctx, "channel");
        CataloguedImage image = okImage(ctx);
        ImageGeometry g = geometry(image);
        inRange("z", z, g.sizeZ());
        inRange("time", t, g.sizeT());
        inRange("channel", c, g.sizeC());
        SliceSource.Png png = slices.png(image, z, t, c);
        ctx.status(200).contentType("image/png").header("X-Highdim-Slice", png.stored() ? "stored" : "rendered")
                .result(png.bytes());
    }

    /**
     * {@code GET /objects?image_id=ID[&time=T][&channel=C]}: the segmented objects (those of time point T and
     * channel C when given), each as {@code show objects} prints it, in (t, c, label) order; 409 (with the command)
     * until a run segmented the image.
     */
    void objects(Context ctx) {
        // malformed numbers first: a client error whatever the image
        Integer t = optionalInteger(ctx, "time"), c = optionalInteger(ctx, "channel");
        CataloguedImage image = okImage(ctx);
        ImageGeometry g = geometry(image);
        if (t != null) inRange("time", t, g.sizeT());
        if (c != null) inRange("channel", c, g.sizeC());
        if (catalogue.segmentations(image.imageId()).isEmpty()) {
            throw ApiError.notComputed("image " + image.imageId() + " is not segmented yet",
                    "scripts/highdim segment " + image.ref().uri());
        }
        ArrayNode objects = JSON.createArrayNode();
        for (VolumeSegmentation v : catalogue.segmentedVolumes(image.imageId(), t, c)) {
            for (SegmentedObject o : v.objects()) objects.add(ServiceJson.segmentedObject(g.dtype(), v.t(), v.c(), o));
        }
        json(ctx, 200, ServiceJson.render(objects));
    }

    /**
     * {@code POST /analyze {"image_id", "components"}}: the stored PCA's first {@code components} (exact: the
     * components are the covariance's eigenvectors by decreasing eigenvalue, each ratio is over the total variance,
     * so the first k of a larger PCA are the k-component PCA). More than stored: 409 with the command.
     */
    void analyze(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject() || !body.path("image_id").isTextual()) {
            throw ApiError.badRequest("the body must be a JSON object with \"image_id\" (a string) and "
                    + "\"components\" (an integer >= 1)");
        }
        CataloguedImage image = okImage(body.get("image_id").asText());
        int channels = geometry(image).sizeC();
        Optional<PcaResult> stored = catalogue.pca(image.imageId());
        JsonNode asked = body.get("components");
        int k;
        if (asked == null || asked.isNull()) {
            k = stored.map(PcaResult::nComponents).orElse(Math.min(2, channels));
        } else if (asked.canConvertToInt() && asked.isIntegralNumber() && asked.intValue() >= 1) {
            k = asked.intValue();
        } else {
            throw ApiError.badRequest("\"components\" must be an integer >= 1, not " + asked);
        }
        if (channels < 2) {
            throw ApiError.badRequest("PCA over channels needs at least 2 channels; image " + image.imageId()
                    + " has 1");
        }
        if (k > channels) {
            throw ApiError.badRequest("\"components\" " + k + " exceeds the image's " + channels + " channels");
        }
        PcaResult pca = stored.filter(p -> p.nComponents() >= k).orElseThrow(() -> ApiError.notComputed(
                stored.map(p -> "the catalogue holds " + p.nComponents() + " PCA components of image ")
                        .orElse("no PCA computed for image ") + image.imageId() + "; " + k + " asked for",
                "scripts/highdim pca --components " + k + " " + image.ref().uri()));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("image_id", image.imageId());
        answer.put("n_components", k);
        answer.putNull("pca_result"); // the projected voxels: see docs/serve.md
        ObjectNode full = ServiceJson.pca(image.imageId(), pca);
        answer.set("explained_variance_ratio", first(full.get("explained_variance_ratio"), k));
        answer.set("components", first(full.get("components"), k));
        json(ctx, 200, ServiceJson.render(answer));
    }

    /** {@code POST /upload}, multipart field {@code file}. */
    void upload(Context ctx) throws Exception {
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null) throw ApiError.badRequest("no multipart form field \"file\"");
        try (InputStream content = file.content()) {
            json(ctx, 200, JSON.writeValueAsString(uploads.store(file.filename(), content)));
        }
    }

    /** The request's body as JSON (null when empty); 400 when it is not JSON. */
    static JsonNode jsonBody(Context ctx) {
        try {
            return JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * {@code value} unless it holds a control character (NUL included: PostgreSQL refuses 0x00 in text) or invalid
     * UTF-8 (which the decoders turn into U+FFFD): no image id or file name holds either, so 400.
     */
    static String plainText(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                throw ApiError.badRequest(what + " holds a control character (" + String.format("0x%02x", (int) ch)
                        + ")");
            }
            if (ch == '\uFFFD') throw ApiError.badRequest(what + " is not valid UTF-8");
        }
        return value;
    }

    static void json(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }

    private static ArrayNode first(JsonNode array, int k) {
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < k && i < array.size(); i++) out.add(array.get(i));
        return out;
    }

    private CataloguedImage okImage(Context ctx) {
        String id = ctx.queryParam("image_id");
        if (id == null || id.isBlank()) throw ApiError.badRequest("the parameter image_id is required");
        return okImage(id);
    }

    /** The image if catalogued ok: 404 for an unknown id and for a rejected file (with its reason). */
    private CataloguedImage okImage(String id) {
        plainText("image_id", id);
        CataloguedImage image = catalogue.image(id).orElseThrow(() -> ApiError.notFound("no image " + id));
        if (image.status() != ImageStatus.OK || image.geometry().isEmpty()) {
            throw ApiError.notFound("image " + id + " was rejected: " + image.reason());
        }
        return image;
    }

    private static ImageGeometry geometry(CataloguedImage image) {
        return image.geometry().orElseThrow();
    }

    private static int integer(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) throw ApiError.badRequest("the parameter " + name + " is required");
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("the parameter " + name + " must be an integer, not '" + value + "'");
        }
    }

    /** Null when the parameter is absent. */
    private static Integer optionalInteger(Context ctx, String name) {
        return ctx.queryParam(name) == null ? null : integer(ctx, name);
    }

    private static void inRange(String name, int value, int size) {
        if (value < 0 || value >= size) {
            throw ApiError.badRequest(name + "=" + value + " is outside 0.." + (size - 1));
        }
    }
}
