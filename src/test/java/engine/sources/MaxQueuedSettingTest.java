package engine.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import engine.sources.binance.BinanceSettings;
import engine.sources.ls.LsSettings;
import org.junit.jupiter.api.Test;

/** {@code max-queued} of the websocket sources: 50,000 by default, and a bound under 1 refused with the key named. */
class MaxQueuedSettingTest {
    static final String LS_KEYS = "appkey = \"PSkey7Hq2Lx9\"\nappsecret = \"sEcr3tZw8Vb4\"\n";

    @Test
    void binance() {
        assertEquals(50_000, BinanceSettings.from(ConfigFactory.empty()).maxQueued());
        assertEquals(7, BinanceSettings.from(ConfigFactory.parseString("max-queued = 7")).maxQueued());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BinanceSettings.from(ConfigFactory.parseString("max-queued = 0")));
        assertEquals("max-queued must be at least 1, got 0", e.getMessage());
    }

    @Test
    void ls() {
        assertEquals(50_000, LsSettings.from(ConfigFactory.parseString(LS_KEYS)).maxQueued());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LsSettings.from(ConfigFactory.parseString(LS_KEYS + "max-queued = -1")));
        assertEquals("max-queued must be at least 1, got -1", e.getMessage());
    }
}
