package actors;

import java.nio.file.Path;
import persistence.TestDb;

/**
 * {@link TickerEntityContract} on PostgreSQL, in a fresh schema; skipped when PostgreSQL is not
 * reachable (failed instead with {@code TICKWATCH_REQUIRE_POSTGRES=true}).
 */
class TickerEntityPostgresTest extends TickerEntityContract {
    @Override
    TestDb.Db openDb(Path dir) {
        return TestDb.postgres("entity");
    }

    @Override
    String label() {
        return "postgres";
    }
}
