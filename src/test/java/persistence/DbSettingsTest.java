package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DbSettingsTest {
    static Config load(String overrides) {
        return ConfigFactory.load(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
    }

    @Test
    void h2IsTheDefaultUnderTheDataDir() {
        DbSettings db = DbSettings.from(load("tickwatch.data-dir = \"/tmp/tw-x\"\ntickwatch.db.kind = h2"));
        assertEquals(DbSettings.Kind.H2, db.kind());
        assertEquals("jdbc:h2:file:/tmp/tw-x/tickwatch;DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", db.url());
        assertEquals(Path.of("/tmp/tw-x"), db.h2Directory());
        Config plugin = db.pluginConfig();
        assertEquals("slick.jdbc.H2Profile$", plugin.getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
        assertEquals(db.url(), plugin.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    }

    @Test
    void postgresFromConfigKeysWithoutLeakingThePassword() {
        DbSettings db = DbSettings.from(load("""
                tickwatch.db { kind = postgres, postgres { url = "jdbc:postgresql://db:5432/tw", user = tw,
                  password = "s3cret!", schema = alerts } }
                """));
        assertEquals(DbSettings.Kind.POSTGRES, db.kind());
        assertEquals("jdbc:postgresql://db:5432/tw?reWriteBatchedInserts=true&currentSchema=alerts", db.effectiveUrl());
        assertEquals("s3cret!", db.pluginConfig().getString("pekko-persistence-jdbc.shared-databases.slick.db.password"));
        assertFalse(db.toString().contains("s3cret"), db.toString());
        assertFalse(db.describe().contains("s3cret"));
        DbSettings inUrl = new DbSettings(DbSettings.Kind.POSTGRES, "jdbc:postgresql://db/tw?password=s3cret", "u", "",
                "public", 2, java.time.Duration.ofSeconds(1));
        assertFalse(inUrl.describe().contains("s3cret"), inUrl.describe());
        assertTrue(inUrl.effectiveUrl().endsWith("&reWriteBatchedInserts=true"));
    }

    @Test
    void rejectsUnknownKindsAndSchemas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DbSettings.from(load("tickwatch.db.kind = mysql")));
        assertTrue(e.getMessage().contains("TICKWATCH_DB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DbSettings.from(load(
                "tickwatch.db { kind = postgres, postgres.schema = \"x; drop table y\" }")));
    }
}
