package engine.sources;

import java.net.URI;

/** A configured base URL of an outside service, as sources join paths to it. */
public final class BaseUrl {
    private BaseUrl() {
    }

    /** {@code text} without surrounding spaces and trailing slashes, so {@code base + "/path"} has one slash. */
    public static String trim(String text) {
        String u = text.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    public static URI of(String text) {
        return URI.create(trim(text));
    }
}
