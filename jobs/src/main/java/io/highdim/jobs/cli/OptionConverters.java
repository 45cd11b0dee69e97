package io.highdim.jobs.cli;

import io.highdim.jobs.spec.PlaneSelection;
import io.highdim.tiff.AxesOverride;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters that check option values when the command line is parsed, so a typo is a usage error (exit 2). */
final class OptionConverters {
    private OptionConverters() {}

    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) positive(value, Integer.MAX_VALUE);
        }
    }

    /** An index along an axis: 0 or more. */
    static final class Index implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = whole(value);
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' must be from 0 to " + Integer.MAX_VALUE);
            }
            return (int) n;
        }
    }

    /** Megabytes, at least 1, converted to bytes. */
    static final class Megabytes implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return positive(value, 1L << 40) << 20;
        }
    }

    /** Whole seconds, 0 or more (up to a day: a longer wait is a typo). */
    static final class Seconds implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long seconds = whole(value);
            if (seconds < 0 || seconds > 86_400) {
                throw new TypeConversionException("'" + value + "' must be from 0 to 86400 seconds");
            }
            return seconds;
        }
    }

    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long port = whole(value);
            if (port < 0 || port > 65535) throw new TypeConversionException("'" + value + "' is not a port (0..65535)");
            return (int) port;
        }
    }

    static final class Selection implements ITypeConverter<PlaneSelection> {
        @Override
        public PlaneSelection convert(String value) {
            try {
                return PlaneSelection.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + "; expected indexes and ranges like 0,4,10-12");
            }
        }
    }

    /** Checks the axes override parses; keeps its text. */
    static final class Axes implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return AxesOverride.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code otsu} (NaN: Otsu's threshold of each volume) or a finite number. */
    static final class Threshold implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.trim().equals("otsu")) return Double.NaN;
            try {
                double v = Double.parseDouble(value.trim());
                if (Double.isFinite(v)) return v;
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("'" + value + "' is neither otsu nor a finite number");
        }
    }

    /** 6, 18 or 26 neighbours. */
    static final class Connectivity implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = whole(value);
            if (n != 6 && n != 18 && n != 26) {
                throw new TypeConversionException("'" + value + "' must be 6, 18 or 26 (faces, edges, corners)");
            }
            return (int) n;
        }
    }

    /** A count, 0 or more. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n = whole(value);
            if (n < 0) throw new TypeConversionException("'" + value + "' must be 0 or more");
            return n;
        }
    }

    private static long positive(String value, long max) {
        long n = whole(value);
        if (n < 1 || n > max) throw new TypeConversionException("'" + value + "' must be from 1 to " + max);
        return n;
    }

    private static long whole(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }
}
