package actors.sinks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (standardwebhooks.com): {@code webhook-signature: v1,<base64 of
 * HMAC-SHA256 over "id.timestamp.body">}, keyed with the secret's bytes. A secret written
 * {@code whsec_<base64>} (what the spec's libraries generate and expect) is those base64 bytes;
 * any other secret is its UTF-8 bytes. The JDK's {@link Mac} does it; the secret never leaves
 * this class (no {@code toString} shows it).
 */
public final class WebhookSignature {
    public static final String PREFIX = "whsec_";
    private final byte[] key;

    public WebhookSignature(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret is empty");
        }
        if (secret.startsWith(PREFIX)) {
            try {
                key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a secret starting with whsec_ must be base64 after it");
            }
        } else {
            key = secret.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** {@code v1,<base64 signature>} of one message. */
    public String sign(String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSignature[secret hidden]";
    }
}
