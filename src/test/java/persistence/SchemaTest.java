package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating the tables on a real H2 file and a real PostgreSQL schema, twice (the second is a no-op). */
class SchemaTest {
    @TempDir
    Path dir;

    static void createTwiceAndPing(TestDb.Db db) throws Exception {
        ActorTestKit kit = ActorTestKit.create("schema", db.applyTo(
                ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load())));
        try {
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(Schema.ping(kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS));
            long tables = Schema.onConnection(kit.system(), c -> {
                try (var r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    long n = 0;
                    while (r.next()) {
                        String name = r.getString("TABLE_NAME").toLowerCase();
                        String schema = String.valueOf(r.getString("TABLE_SCHEM")).toLowerCase();
                        if (schema.equals(db.settings().schema()) && (name.equals("event_journal")
                                || name.equals("snapshot") || name.equals("event_tag") || name.equals("durable_state"))) {
                            n++;
                        }
                    }
                    return n;
                }
            }).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(4, tables, "the four tables of the plugin in schema " + db.settings().schema());
        } finally {
            kit.shutdownTestKit();
            db.drop();
        }
    }

    @Test
    void h2() throws Exception {
        createTwiceAndPing(TestDb.h2(dir));
    }

    @Test
    void postgres() throws Exception {
        createTwiceAndPing(TestDb.postgres("schema"));
    }

    @Test
    void theShippedDdlIsThePluginsOwn() {
        for (String f : new String[] {"h2/h2-create-schema.sql", "postgres/postgres-create-schema.sql"}) {
            String ours = Schema.shipped(f);
            String theirs = new String(readResource("schema/" + f));
            assertTrue(ours.endsWith(theirs), f + " is the plugin's script with a header");
        }
    }

    static byte[] readResource(String path) {
        try (var in = SchemaTest.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }
}
