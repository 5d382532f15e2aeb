package actors.sinks.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ScrubberTest {
    @Test
    void theTokenLeavesEveryText() {
        Scrubber s = new Scrubber("123456:AA-secret");
        assertEquals("POST http://x/bot<token>/sendMessage failed",
                s.scrub("POST http://x/bot123456:AA-secret/sendMessage failed"));
        assertEquals("GET /bot<token>/getUpdates", s.scrub("GET /botSOMEOTHERTOKEN/getUpdates"), "any bot path");
        assertEquals("IOException: at <token> <- IllegalStateException: x <token>",
                s.describe(new IOException("at 123456:AA-secret", new IllegalStateException("x 123456:AA-secret"))));
    }
}
