package engine.sources.naver;

/** URLs as logged: without user information (a proxy's or a mirror's credentials never reach a log). */
final class Scrub {
    private Scrub() {
    }

    static String url(String url) {
        return url.replaceAll("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@", "$1");
    }
}
