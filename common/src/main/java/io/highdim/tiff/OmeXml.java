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
 * the TiffData blocks mapping planes to IFDs. Any schema version (2008-09's PixelType/NumPlanes too).
 */
final class OmeXml {
    private OmeXml() {}

    static boolean looksLikeOme(String description) {
        return description.startsWith("<") && description.contains("<OME") ;
    }

    /** The images, or null when the XML describes planes this file does not hold (multi-file sets). */
    static List<ImageIndex> resolve(TiffStructure tiff, String xml, List<String> warnings) throws ImageReadException {
        String file = tiff.file();
        Document doc = parse(file, xml);
        Element root = doc.getDocumentElement();
        String rootUuid = root.getAttribute("UUID");
        String fileName = file.substring(file.lastIndexOf('/') + 1);
        NodeList imageNodes = doc.getElementsByTagNameNS("*", "Image");
        List<ImageIndex> images = new ArrayList<>();
        List<TiffPage> pages = tiff.pages();
        for (int s = 0; s < imageNodes.getLength(); s++) {
            Element image = (Element) imageNodes.item(s);
            Element pixels = first(image, "Pixels");
            if (pixels == null) continue;
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
            if (firstIfd >= pages.size()) {
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
                if (hasOtherFiles(tiffData, rootUuid, fileName)) {
                    warnings.add("OME-XML describes a multi-file set (planes in other files): this file's pages are read as plain pages");
                    return null;
                }
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
                if (!inThisFile(td, rootUuid, fileName)) {
                    warnings.add("OME-XML describes a multi-file set (planes in other files): this file's pages are read as plain pages");
                    return null;
                }
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
            int minIfd = Integer.MAX_VALUE, maxIfd = -1;
            for (int p = 0; p < ifdOfPlane.length; p++) {
                if (ifdOfPlane[p] < 0) {
                    throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s
                            + " leaves plane " + p + " without an IFD");
                }
                minIfd = Math.min(minIfd, ifdOfPlane[p]);
                maxIfd = Math.max(maxIfd, ifdOfPlane[p]);
            }
            for (int ifd = minIfd; ifd <= maxIfd; ifd++) {
                if (!pages.get(ifd).sameGeometry(firstPage)) {
                    throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " spans IFD "
                            + ifd + " of another size or type");
                }
            }
            if (sizeX != firstPage.width() || sizeY != firstPage.height()) {
                throw new ImageReadException(file, Reason.DIMENSION_MISMATCH, "OME-XML Image " + s + " is " + sizeX
                        + " x " + sizeY + " but its first IFD is " + firstPage.width() + " x " + firstPage.height());
            }
            String type = pixels.hasAttribute("Type") ? pixels.getAttribute("Type") : pixels.getAttribute("PixelType");
            String omeType = switch (type) { case "float" -> "float32"; case "double" -> "float64"; default -> type; };
            if (!type.isEmpty() && !omeType.equals(firstPage.pixelType().numpyName())) {
                warnings.add("OME-XML Type " + type + " but the pages hold " + firstPage.pixelType().numpyName()
                        + ": the pages' type is used");
            }
            int planes = sizeZ * sizeT * sizeC;
            int[] planePage = new int[planes], planeSample = new int[planes];
            int i = 0;
            for (int z = 0; z < sizeZ; z++) {
                for (int t = 0; t < sizeT; t++) {
                    for (int c = 0; c < sizeC; c++, i++) {
                        planePage[i] = ifdOfPlane[linear(order, z, c / spp, t, sizeZ, effC, sizeT)] - minIfd;
                        planeSample[i] = c % spp;
                    }
                }
            }
            images.add(new ImageIndex(file, images.size(), 0, firstPage.pixelType(), sizeZ, sizeT, sizeC,
                    firstPage.height(), firstPage.width(), "ome", warnings, tiff.bigEndian(), tiff.bigTiff(),
                    pages.subList(minIfd, maxIfd + 1), planePage, planeSample));
        }
        if (images.isEmpty()) {
            warnings.add("OME-XML has no Image with Pixels: read as plain pages");
            return null;
        }
        return DimensionResolver.withCount(images);
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
