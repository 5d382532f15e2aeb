package engine.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The live stream's session cookie: valid until it ends, for the token it was made with only. */
class SessionCookieTest {
    final ApiJson json = new ApiJson(new ObjectMapper());

    @Test
    void validUntilItEndsAndOnlyUnderItsToken() {
        Auth auth = new Auth(json, "one-token");
        long now = 1_800_000_000_000L;
        String value = auth.sessionValue(now / 1000 + 60);
        assertTrue(auth.validSession(value, now));
        assertFalse(auth.validSession(value, now + 61_000), "ended");
        assertFalse(new Auth(json, "another-token").validSession(value, now), "another token");
        String later = (now / 1000 + 9_999) + value.substring(value.indexOf('.'));
        assertFalse(auth.validSession(later, now), "a changed time breaks the signature");
        assertFalse(auth.validSession("garbage", now));
        assertFalse(auth.validSession("", now));
        assertFalse(value.contains("one-token"));
    }
}
