package engine.sources.ls;

/** URLs as logged: without user information or a query (a token or key never reaches a log). */
final class Scrub {
    private Scrub() {
    }

    static String url(String url) {
        return url.replaceAll("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@", "$1").replaceAll("\\?.*$", "?…");
    }
}
