package actors.sinks.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartImageTest {
    static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

    static List<Map<String, Object>> bars(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("start", Instant.ofEpochMilli(T0 + i * 300_000L).atOffset(ZoneOffset.ofHours(9)).toString());
            b.put("open", 1000 + i);
            b.put("high", 1010 + i);
            b.put("low", 990 + i);
            b.put("close", i % 2 == 0 ? 1005 + i : 995 + i);
            b.put("volume", i == 70 ? "12.5" : 100 + i); // a decimal volume as text
            out.add(b);
        }
        return out;
    }

    @Test
    void aValidPngOfTheRightSizeWithTheHitsBarMarked() throws Exception {
        long hit = T0 + 70 * 300_000L; // 120 bars kept, the hit on the 71st: bars 11..70 are drawn
        byte[] png = ChartImage.png(bars(120), hit, "#005930 (KRX) 14:50 · up");
        assertEquals(List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'),
                List.of(png[0], png[1], png[2], png[3]), "the PNG signature");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(ChartImage.WIDTH, img.getWidth());
        assertEquals(ChartImage.HEIGHT, img.getHeight());
        // the hit's slot is the last of 60, at the right, shaded
        double slot = (ChartImage.WIDTH - 40) / (double) ChartImage.CANDLES;
        int hitX = (int) (20 + 59 * slot + 1);
        assertNotEquals(0xFFFFFF, img.getRGB(hitX, 45) & 0xFFFFFF, "the hit's bar is marked");
        assertEquals(0xFFFFFF, img.getRGB((int) (20 + 30 * slot + 1), 45) & 0xFFFFFF, "another bar's slot is not");
    }

    @Test
    void noBarsNoChart() {
        assertNull(ChartImage.png(List.of(), T0, "x"));
        assertNull(ChartImage.png(bars(3), T0 - 1, "x"), "no bar up to the hit's");
    }
}
