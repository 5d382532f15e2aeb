package actors.sinks.telegram;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The chart an alert may carry: the last {@value #CANDLES} bars up to the hit's, as candles (green up,
 * red down) over their volume, the hit's bar marked, drawn with Java2D into a PNG on the server
 * (headless: no display is needed). Bars come in the {@code persistence.BarJson} shape the node
 * gives ({@code start}, {@code open}, {@code high}, {@code low}, {@code close}, {@code volume}).
 */
final class ChartImage {
    static final int CANDLES = 60;
    static final int WIDTH = 960;
    static final int HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true"); // never look for a display, even with DISPLAY set
    }

    private record Candle(long start, double open, double high, double low, double close, double volume) {
    }

    private ChartImage() {
    }

    /**
     * The PNG, or null when there is no bar to draw.
     *
     * @param bars     the ticker's kept bars, oldest first
     * @param hitStart the hit's bar start (epoch millis): the last candle drawn, and the one marked
     * @param title    the headline drawn at the top (symbol, time, condition)
     */
    static byte[] png(List<Map<String, Object>> bars, long hitStart, String title) {
        List<Candle> candles = new ArrayList<>();
        for (Map<String, Object> b : bars) {
            Candle c = candle(b);
            if (c != null && c.start() <= hitStart) {
                candles.add(c);
            }
        }
        if (candles.isEmpty()) {
            return null;
        }
        candles = candles.subList(Math.max(0, candles.size() - CANDLES), candles.size());
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, candles, hitStart, title);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void draw(Graphics2D g, List<Candle> candles, long hitStart, String title) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int left = 20;
        int right = WIDTH - 20;
        int priceTop = 40;
        int priceBottom = 390;
        int volTop = 410;
        int volBottom = HEIGHT - 20;
        double hi = candles.stream().mapToDouble(Candle::high).max().orElse(1);
        double lo = candles.stream().mapToDouble(Candle::low).min().orElse(0);
        if (hi <= lo) {
            hi = lo + 1;
        }
        double maxVol = Math.max(1e-12, candles.stream().mapToDouble(Candle::volume).max().orElse(1));
        double slot = (right - left) / (double) CANDLES;
        int body = Math.max(1, (int) (slot * 0.6));
        int first = CANDLES - candles.size(); // few bars: drawn at the right, where the newest belong
        for (int i = 0; i < candles.size(); i++) {
            Candle c = candles.get(i);
            int x = (int) (left + (first + i) * slot + slot / 2);
            if (c.start() == hitStart) {
                g.setColor(new Color(255, 236, 150));
                g.fillRect((int) (x - slot / 2), priceTop, (int) Math.ceil(slot), volBottom - priceTop);
            }
            Color color = c.close() >= c.open() ? new Color(0, 150, 80) : new Color(210, 40, 40);
            g.setColor(color);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(x, y(c.high(), lo, hi, priceTop, priceBottom), x, y(c.low(), lo, hi, priceTop, priceBottom));
            int yo = y(c.open(), lo, hi, priceTop, priceBottom);
            int yc = y(c.close(), lo, hi, priceTop, priceBottom);
            g.fillRect(x - body / 2, Math.min(yo, yc), body, Math.max(1, Math.abs(yo - yc)));
            int vh = (int) Math.round((volBottom - volTop) * (c.volume() / maxVol));
            g.fillRect(x - body / 2, volBottom - vh, body, Math.max(vh, 0));
        }
        g.setColor(Color.GRAY);
        g.drawLine(left, priceBottom + 10, right, priceBottom + 10);
        try { // fonts may be missing on a bare server: the chart is still worth sending without words
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, left, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(label(hi), right - 80, priceTop + 12);
            g.drawString(label(lo), right - 80, priceBottom - 2);
        } catch (RuntimeException | Error e) {
            // no font configuration: draw nothing more
        }
    }

    private static int y(double v, double lo, double hi, int top, int bottom) {
        return (int) Math.round(bottom - (v - lo) / (hi - lo) * (bottom - top));
    }

    private static String label(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,d", (long) v) : String.format("%,.4f", v);
    }

    private static Candle candle(Map<String, Object> b) {
        try {
            long start = OffsetDateTime.parse(String.valueOf(b.get("start"))).toInstant().toEpochMilli();
            return new Candle(start, num(b.get("open")), num(b.get("high")), num(b.get("low")), num(b.get("close")),
                    num(b.get("volume")));
        } catch (RuntimeException e) {
            return null; // a bar without prices (not yet formed) is left out
        }
    }

    private static double num(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return Double.parseDouble(String.valueOf(o)); // decimal volumes may come as text
    }
}
