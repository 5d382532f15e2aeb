package actors;

import java.nio.file.Path;
import persistence.TestDb;

/** {@link TickerEntityContract} on an H2 file database. */
class TickerEntityH2Test extends TickerEntityContract {
    @Override
    TestDb.Db openDb(Path dir) {
        return TestDb.h2(dir);
    }

    @Override
    String label() {
        return "h2";
    }
}
