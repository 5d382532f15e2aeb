package engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * {@link FeedFakes} in a child JVM ({@link FeedFakes#main}), driven over its stdin and stdout, so that
 * the bench's JVM holds the node alone. The child's output other than its answers (its log) goes to
 * {@code log}.
 */
final class FeedFakesProcess implements FeedVenues {
    private final Process process;
    private final PrintStream to;
    private final BufferedReader from;
    private final Urls urls;

    FeedFakesProcess(int lsCount, int binanceCount, Path log) throws IOException {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                FeedFakes.class.getName(), String.valueOf(lsCount), String.valueOf(binanceCount))
                .redirectError(log.toFile()).start();
        to = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = answer();
        if (!first.startsWith("urls ")) {
            process.destroyForcibly();
            throw new IOException("the fakes' process answered \"" + first + "\", see " + log);
        }
        String[] u = first.substring(5).split(" ");
        urls = new Urls(u[0], u[1], u[2], u[3]);
    }

    /** The next line on the child's stdout that is an answer (the loggers may write there too). */
    private String answer() throws IOException {
        for (String l = from.readLine(); l != null; l = from.readLine()) {
            if (l.startsWith("urls ") || l.matches("(true|false|error .*|-?\\d+( \\d+)*)")) {
                return l;
            }
        }
        throw new IOException("the fakes' process ended (exit " + process.exitValue() + ")");
    }

    private synchronized String ask(String command) throws IOException {
        to.println(command);
        return answer();
    }

    @Override
    public Urls urls() {
        return urls;
    }

    @Override
    public boolean allRegistered(boolean quotes) {
        try {
            return Boolean.parseBoolean(ask("registered " + quotes));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String connections() throws IOException {
        return ask("connections");
    }

    @Override
    public long start(int lsRate, int binanceRate, int quotes, double skew) throws IOException {
        return Long.parseLong(ask("start " + lsRate + " " + binanceRate + " " + quotes + " " + skew));
    }

    @Override
    public long[] published() throws IOException {
        return Arrays.stream(ask("published").split(" ")).mapToLong(Long::parseLong).toArray();
    }

    @Override
    public void stop() throws IOException {
        ask("stop");
    }

    @Override
    public void close() throws Exception {
        to.close(); // the child exits when its stdin ends
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
