package persistence.daily;

import conditions.DailyBar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daily file of {@code crawl-daily} and {@code backtest --daily}: one line per symbol and
 * trading day, with the header {@link #HEADER}. An unknown flow is an empty cell. Volumes and flows
 * are whole shares; prices as the venue gives them.
 */
public final class DailyCsv {
    public static final String HEADER =
            "date,symbol,open,high,low,close,volume,inst_net,foreign_net,foreign_holding,foreign_ratio";

    private DailyCsv() {
    }

    /** Writes the header and the days of each symbol, in the map's order, each oldest first. */
    public static void write(Writer out, Map<String, List<DailyBar>> bySymbol) throws IOException {
        out.write(HEADER);
        out.write('\n');
        for (Map.Entry<String, List<DailyBar>> e : bySymbol.entrySet()) {
            for (DailyBar d : e.getValue()) {
                out.write(line(e.getKey(), d));
                out.write('\n');
            }
        }
    }

    /** One line, without its end. */
    public static String line(String symbol, DailyBar d) {
        return d.date() + "," + symbol + "," + num(d.open()) + "," + num(d.high()) + "," + num(d.low()) + ","
                + num(d.close()) + "," + d.volume() + "," + opt(d.instNet()) + "," + opt(d.foreignNet()) + ","
                + opt(d.foreignHolding()) + "," + (d.foreignRatio() == null ? "" : num(d.foreignRatio()));
    }

    /**
     * Reads a daily file: symbol to its days, oldest first. A malformed line fails the whole read
     * with its line number and the reason (a backtest over half a daily file would give other hits
     * than the live node).
     */
    public static Map<String, List<DailyBar>> read(Path file) throws IOException {
        Map<String, List<DailyBar>> out = new TreeMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.strip().equals(HEADER)) {
                throw new IOException(file + ": line 1: expected the header " + HEADER);
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 11) {
                    throw new IOException(file + ": line " + n + ": expected 11 columns, found " + f.length);
                }
                try {
                    DailyBar d = new DailyBar(LocalDate.parse(f[0].strip()), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                            Long.parseLong(f[6].strip()), optLong(f[7]), optLong(f[8]), optLong(f[9]),
                            f[10].isBlank() ? null : Double.parseDouble(f[10]));
                    String symbol = f[1].strip();
                    if (symbol.isEmpty()) {
                        throw new IOException(file + ": line " + n + ": empty symbol");
                    }
                    out.computeIfAbsent(symbol, s -> new ArrayList<>()).add(d);
                } catch (NumberFormatException | DateTimeParseException e) {
                    throw new IOException(file + ": line " + n + ": " + e.getMessage());
                }
            }
        }
        for (Map.Entry<String, List<DailyBar>> e : out.entrySet()) {
            List<DailyBar> days = e.getValue();
            days.sort(Comparator.comparing(DailyBar::date));
            for (int i = 1; i < days.size(); i++) {
                if (days.get(i).date().equals(days.get(i - 1).date())) {
                    throw new IOException(file + ": " + e.getKey() + " has " + days.get(i).date() + " twice");
                }
            }
        }
        return out;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String opt(Long v) {
        return v == null ? "" : v.toString();
    }

    private static Long optLong(String s) {
        return s.isBlank() ? null : Long.parseLong(s.strip());
    }
}
