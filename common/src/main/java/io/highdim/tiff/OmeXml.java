package io.highdim.tiff;

import io.highdim.tiff.ImageReadException.Reason;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Single-file OME-TIFF: the OME-XML of the first ImageDescription gives each Image's SizeZ/C/T, DimensionOrder and
 * the TiffData blocks mapping planes to IFDs. Any schema version (2008-09's PixelType/NumPlanes too). Each Image is
 * a {@link Layout} with an explicit plane → IFD table and its own warnings.
 */
final class OmeXml {
    private OmeXml() {}

    static boolean looksLikeOme(String description) {
        return description.startsWith("<") && description.contains("<OME") ;
    }

    private static final String MULTI_FILE =
            "OME-XML describes a multi-file set (planes in other files): this file's pages are read as plain pages";

    /**
     * One layout per Image with Pixels, each with its own warnings; set aside when the XML describes planes this
     * file does not hold (multi-file sets) or no Image at all.
     */
    static Reading read(TiffStructure tiff, String xml) throws ImageReadException {
        Document doc = parse(tiff.file(), xml);
        String rootUuid = doc.getDocumentElement().getAttribute("UUID");
        NodeList imageNodes = doc.getElementsByTagNameNS("*", "Image");
        List<Layout> layouts = new ArrayList<>();
        for (int s = 0; s < imageNodes.getLength(); s++) {
            Element pixels = first((Element) imageNodes.item(s), "Pixels");
            if (pixels == null) continue;
            Reading image = image(tiff, s, pixels, rootUuid);
            if (image instanceof Reading.SetAside) return image;
            layouts.add(((Reading.Images) image).layouts().get(0));
        }
        if (layouts.isEmpty()) return new Reading.SetAside("OME-XML has no Image with Pixels: read as plain pages");
        return new Reading.Images(layouts, List.of());
    }

    /** Image {@code s}: its sizes, and the IFD of each plane from its TiffData blocks. */
    private static Reading image(TiffStructure tiff, int s, Element pixels, String rootUuid) throws ImageReadException {
        String file = tiff.file();
        String fileName = file.substring(file.lastIndexOf('/') + 1);
        List<TiffPage> pages = tiff.pages();
        int sizeX = attr(pixels, "SizeX", -1), sizeY = attr(pixels, "SizeY", -1);
        int sizeZ = attr(pixels, "SizeZ", 1), sizeC = attr(pixels, "SizeC", 1), sizeT = attr(pixels, "SizeT", 1);
        String order = pixels.getAttribute("DimensionOrder");
        if (order.isEmpty()) order = "XYZCT";
        if (sizeZ < 1 || sizeC < 1 || sizeT < 1 || !order.matches("XY[ZCT]{3}") || order.chars().distinct().count() != 5) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " has sizes Z="
                    + sizeZ + " C=" + sizeC + " T=" + sizeT + " and DimensionOrder " + order);
        }
        NodeList tiffData = pixels.getElementsByTagNameNS("*", "TiffData");
        // planes counted per IFD: RGB pages carry several channels as samples
        int firstIfd = tiffData.getLength() > 0 ? attr((Element) tiffData.item(0), "IFD", 0) : 0;
        if (firstIfd < 0 || firstIfd >= pages.size()) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " starts at IFD "
                    + firstIfd + "; the file has " + pages.size() + " pages");
        }
        TiffPage firstPage = pages.get(firstIfd);
        int spp = firstPage.samplesPerPixel();
        if (sizeC % spp != 0) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML SizeC=" + sizeC
                    + " is not a multiple of the " + spp + " samples per page");
        }
        int effC = sizeC / spp;
        long planesPerImage = (long) sizeZ * effC * sizeT;
        if (planesPerImage > pages.size()) {
            if (hasOtherFiles(tiffData, rootUuid, fileName)) return new Reading.SetAside(MULTI_FILE);
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " needs "
                    + planesPerImage + " planes (Z=" + sizeZ + " C=" + sizeC + " T=" + sizeT + "); the file has "
                    + pages.size() + " pages");
        }
        int[] ifdOfPlane = new int[(int) planesPerImage]; // in DimensionOrder, -1 = not mapped
        java.util.Arrays.fill(ifdOfPlane, -1);
        if (tiffData.getLength() == 0) {
            for (int p = 0; p < planesPerImage; p++) ifdOfPlane[p] = p;
        }
        for (int d = 0; d < tiffData.getLength(); d++) {
            Element td = (Element) tiffData.item(d);
            if (!inThisFile(td, rootUuid, fileName)) return new Reading.SetAside(MULTI_FILE);
            boolean positioned = td.hasAttribute("IFD") || td.hasAttribute("FirstZ") || td.hasAttribute("FirstC")
                    || td.hasAttribute("FirstT");
            int ifd = attr(td, "IFD", 0);
            int count = td.hasAttribute("PlaneCount") ? attr(td, "PlaneCount", 1)
                    : td.hasAttribute("NumPlanes") ? attr(td, "NumPlanes", 1)
                    : positioned ? 1 : (int) planesPerImage;
            int start = linear(order, attr(td, "FirstZ", 0), attr(td, "FirstC", 0) / spp, attr(td, "FirstT", 0),
                    sizeZ, effC, sizeT);
            for (int k = 0; k < count; k++) {
                if (start + k >= planesPerImage || ifd + k >= pages.size() || ifd + k < 0 || start < 0) {
                    throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML TiffData IFD=" + ifd
                            + " PlaneCount=" + count + " points outside the image or the file's " + pages.size() + " pages");
                }
                ifdOfPlane[start + k] = ifd + k;
            }
        }
        boolean sequential = true;
        for (int p = 0; p < ifdOfPlane.length; p++) {
            if (ifdOfPlane[p] < 0) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s
                        + " leaves plane " + p + " without an IFD");
            }
            sequential &= ifdOfPlane[p] == ifdOfPlane[0] + p;
        }
        if (sizeX != firstPage.width() || sizeY != firstPage.height()) {
            throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " is " + sizeX
                    + " x " + sizeY + " but its first IFD is " + firstPage.width() + " x " + firstPage.height());
        }
        List<String> warnings = new ArrayList<>();
        String type = pixels.hasAttribute("Type") ? pixels.getAttribute("Type") : pixels.getAttribute("PixelType");
        String omeType = switch (type) { case "float" -> "float32"; case "double" -> "float64"; default -> type; };
        if (!type.isEmpty() && !omeType.equals(firstPage.pixelType().numpyName())) {
            warnings.add("OME-XML Type " + type + " but the pages hold " + firstPage.pixelType().numpyName()
                    + ": the pages' type is used");
        }
        // pages from the first in DimensionOrder, a page's samples fastest: a sequence an axes override can relabel
        int[] storedSizes = null;
        if (sequential && ifdOfPlane[0] == 0 && (spp == 1 || order.charAt(2) == 'C')) {
            storedSizes = new int[3];
            for (int k = 0; k < 3; k++) {
                char a = order.charAt(4 - k);
                storedSizes[k] = a == 'Z' ? sizeZ : a == 'C' ? sizeC : sizeT;
            }
        }
        String dimensionOrder = order;
        Layout.Locator locator = (z, t, c) ->
                (long) ifdOfPlane[linear(dimensionOrder, z, c / spp, t, sizeZ, effC, sizeT)] * spp + c % spp;
        return Reading.one(new Layout("ome", sizeZ, sizeT, sizeC, spp, locator, storedSizes, warnings));
    }

    /** Plane number of (z, c, t) in OME's DimensionOrder, whose first letter after XY varies fastest. */
    private static int linear(String order, int z, int c, int t, int sizeZ, int sizeC, int sizeT) {
        int index = 0, stride = 1;
        for (int k = 2; k < 5; k++) {
            char a = order.charAt(k);
            int v = a == 'Z' ? z : a == 'C' ? c : t;
            int n = a == 'Z' ? sizeZ : a == 'C' ? sizeC : sizeT;
            if (v < 0 || v >= n) return -1;
            index += v * stride;
            stride *= n;
        }
        return index;
    }

    private static boolean inThisFile(Element td, String rootUuid, String fileName) {
        Element uuid = first(td, "UUID");
        if (uuid == null) return true;
        String id = uuid.getTextContent().trim();
        if (!rootUuid.isEmpty()) return rootUuid.equals(id);
        String name = uuid.getAttribute("FileName");
        return name.isEmpty() || name.equals(fileName);
    }

    private static boolean hasOtherFiles(NodeList tiffData, String rootUuid, String fileName) {
        for (int d = 0; d < tiffData.getLength(); d++) {
            if (!inThisFile((Element) tiffData.item(d), rootUuid, fileName)) return true;
        }
        return false;
    }

    private static Element first(Element parent, String localName) {
        NodeList n = parent.getElementsByTagNameNS("*", localName);
        return n.getLength() == 0 ? null : (Element) n.item(0);
    }

    private static int attr(Element e, String name, int fallback) {
        String v = e.getAttribute(name);
        if (v.isEmpty()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }

    private static Document parse(String file, String xml) throws ImageReadException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            // OME-XML needs no DTDs or external entities; refusing them keeps a hostile file from reaching out
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new ImageReadException(file, Reason.BAD_TAG, "OME-XML in ImageDescription does not parse: " + e.getMessage(), e);
        }
    }
}
