package io.highdim.jobs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.PcaResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's documents from model values, without a database: exact bytes. */
class ServiceJsonTest {
    private static final ImageGeometry EMBRYO = new ImageGeometry("uint8", 5, 2, 2, 96, 120, "imagej");

    @Test
    void metadataIsTheServiceDocument() {
        assertEquals("{\"dtype\":\"uint8\",\"shape\":[5,2,2,96,120],\"Z\":5,\"T\":2,\"Channels\":2,\"Height\":96,"
                + "\"Width\":120}", ServiceJson.metadataJson(EMBRYO));
    }

    /** What {@code inspect} prints today, built as it builds it, equals the line made with {@link ServiceJson}. */
    @Test
    void metadataFieldsAddedToALargerLineKeepTheirOrder() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode today = json.createObjectNode();
        today.put("uri", "file:/x/embryo.tif").put("image_id", "embryo").put("status", "ok");
        today.put("dtype", "uint8");
        today.putPOJO("shape", EMBRYO.shape());
        today.put("Z", 5).put("T", 2).put("Channels", 2).put("Height", 96).put("Width", 120);
        today.put("dimension_source", "imagej");

        ObjectNode line = json.createObjectNode();
        line.put("uri", "file:/x/embryo.tif").put("image_id", "embryo").put("status", "ok");
        line.setAll(ServiceJson.metadata(EMBRYO));
        line.put("dimension_source", "imagej");

        assertEquals(json.writeValueAsString(today), json.writeValueAsString(line));
    }

    @Test
    void statisticsAreInChannelOrderWithIntegerExtremesForIntegerDtypes() {
        List<ChannelSummary> channels = List.of(
                new ChannelSummary(1, 10, 0.5, Double.POSITIVE_INFINITY, -128, 127, 0),
                new ChannelSummary(0, 10, Double.NaN, 2.0, 1.5, Double.NEGATIVE_INFINITY, 3));
        assertEquals("{\"mean\":[null,0.5],\"std\":[2.0,null],\"min\":[1.5,-128],\"max\":[null,127]}",
                ServiceJson.statisticsJson("int8", channels));
        assertEquals("{\"mean\":[null,0.5],\"std\":[2.0,null],\"min\":[1.5,-128.0],\"max\":[null,127.0]}",
                ServiceJson.statisticsJson("float32", channels));
        // beyond 2^53 a double is no exact integer: it stays a float
        List<ChannelSummary> huge = List.of(new ChannelSummary(0, 1, 0, 0, 0, 0x1p60, 0));
        ObjectNode hugeStats = ServiceJson.statistics("uint64", huge);
        assertTrue(hugeStats.get("min").get(0).isIntegralNumber());
        assertTrue(hugeStats.get("max").get(0).isFloatingPointNumber());
        assertEquals(0x1p60, hugeStats.get("max").get(0).doubleValue());
        assertEquals("{\"mean\":[],\"std\":[],\"min\":[],\"max\":[]}", ServiceJson.statisticsJson("uint16", List.of()));
    }

    @Test
    void integerDtypesAreNumpysIntegerNames() {
        for (String dtype : List.of("uint8", "uint16", "uint32", "int8", "int16", "int32", "int64")) {
            assertTrue(ServiceJson.isIntegerDtype(dtype), dtype);
        }
        for (String dtype : List.of("float32", "float64", "bool", "complex64")) {
            assertFalse(ServiceJson.isIntegerDtype(dtype), dtype);
        }
        assertFalse(ServiceJson.isIntegerDtype(null));
    }

    @Test
    void pcaHasTheServiceKeysInOrderAndNonFiniteAsNull() {
        PcaResult pca = new PcaResult(2, new double[] {4.0, Double.NaN}, null,
                new double[][] {{0.6, 0.8}, {-0.8, 0.6}}, new double[] {10.5, 20.25}, 240);
        assertEquals("{\"image_id\":\"cells#1\",\"n_components\":2,\"explained_variance\":[4.0,null],"
                + "\"explained_variance_ratio\":[],\"components\":[[0.6,0.8],[-0.8,0.6]],\"mean\":[10.5,20.25]}",
                ServiceJson.pcaJson("cells#1", pca));
    }
}
