package testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for tests that cut the network between processes: one namespace per node, each
 * with a veth pair whose outer end is on a bridge in the root namespace. Node {@code i} (1-based) has
 * address {@code 10.231.K.(10+i)} inside its namespace; the root namespace is {@code 10.231.K.1} on
 * the bridge, so the test JVM reaches every node and every node reaches what the test serves there.
 * {@link #cut} blackholes the routes between two nodes in both directions (the root namespace stays
 * reachable from both: the database behind a {@link TcpForwarder} survives the partition, which is the
 * dangerous case), {@link #heal} removes them.
 *
 * <p>Names carry this JVM's pid, so parallel runs do not meet; {@link #close} deletes the namespaces and
 * the bridge (the veths go with their namespace), and a shutdown hook does it too if the test is cut
 * short. Needs root (CAP_NET_ADMIN) and the {@code ip} command; {@link #create} throws
 * {@link Unavailable} with the reason otherwise.
 */
public final class NetNs implements AutoCloseable {
    /** Namespaces cannot be made here (no privilege, no {@code ip}). */
    public static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }

    private final String prefix;
    private final String subnet;
    private final int nodes;
    private final List<String> cuts = new ArrayList<>();
    private final Thread hook;
    private volatile boolean closed;

    private NetNs(String prefix, String subnet, int nodes) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.nodes = nodes;
        this.hook = new Thread(this::deleteAll, "netns-cleanup-" + prefix);
    }

    /** Makes {@code nodes} namespaces on a fresh /24 under 10.231/16 not otherwise routed here. */
    public static NetNs create(int nodes) throws Unavailable {
        long pid = ProcessHandle.current().pid();
        String routes;
        try {
            routes = run("ip", "-4", "route", "show", "table", "all") + run("ip", "-4", "addr");
        } catch (IOException e) {
            throw new Unavailable("the ip command does not work here: " + e.getMessage());
        }
        String subnet = null;
        for (int k = 0; k < 250 && subnet == null; k++) {
            String candidate = "10.231." + ((pid + k) % 250 + 1);
            if (!routes.contains(candidate + ".")) {
                subnet = candidate;
            }
        }
        if (subnet == null) {
            throw new Unavailable("no free /24 under 10.231/16");
        }
        NetNs net = new NetNs("tw" + (pid % 10_000_000), subnet, nodes);
        Runtime.getRuntime().addShutdownHook(net.hook);
        try {
            net.build();
        } catch (IOException e) {
            net.close();
            throw new Unavailable("cannot make network namespaces (root and CAP_NET_ADMIN needed): " + e.getMessage());
        }
        return net;
    }

    private void build() throws IOException {
        run("ip", "link", "add", bridge(), "type", "bridge");
        run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge());
        run("ip", "link", "set", bridge(), "up");
        for (int i = 1; i <= nodes; i++) {
            String ns = namespace(i);
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", prefix + "v" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run("ip", "link", "set", prefix + "v" + i, "master", bridge(), "up");
            run("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            run("ip", "-n", ns, "link", "set", "eth0", "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
    }

    private String bridge() {
        return prefix + "br";
    }

    public String namespace(int node) {
        return prefix + "n" + node;
    }

    /** Node {@code node}'s address (inside its namespace). */
    public String address(int node) {
        return subnet + "." + (10 + node);
    }

    /** The root namespace's address on the bridge: what the nodes reach the test JVM's servers on. */
    public String hostAddress() {
        return subnet + ".1";
    }

    /** The command prefix that runs a program in node {@code node}'s namespace. */
    public List<String> exec(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Drops every packet between nodes {@code a} and {@code b}, both ways (blackhole routes in both namespaces). */
    public synchronized void cut(int a, int b) throws IOException {
        run("ip", "-n", namespace(a), "route", "add", "blackhole", address(b) + "/32");
        cuts.add(a + ":" + b);
        run("ip", "-n", namespace(b), "route", "add", "blackhole", address(a) + "/32");
        cuts.add(b + ":" + a);
    }

    /** Removes every cut. */
    public synchronized void heal() throws IOException {
        for (String c : List.copyOf(cuts)) {
            String[] ab = c.split(":");
            run("ip", "-n", namespace(Integer.parseInt(ab[0])), "route", "del", "blackhole",
                    address(Integer.parseInt(ab[1])) + "/32");
            cuts.remove(c);
        }
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void deleteAll() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 1; i <= nodes; i++) {
            tryRun("ip", "netns", "del", namespace(i)); // takes its veth pair with it
        }
        tryRun("ip", "link", "del", bridge());
    }

    private static void tryRun(String... cmd) {
        try {
            run(cmd);
        } catch (IOException e) {
            // not made, or gone already
        }
    }

    /** Runs a command; its output, or an IOException with the output when it fails. */
    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
