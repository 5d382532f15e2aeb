package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/** A node on PostgreSQL (a fresh schema); skipped when PostgreSQL is unreachable unless required. */
class NodePostgresTest {
    @TempDir
    Path dir;

    @Test
    void startsOnPostgresCreatesTheSchemaAndIsReady() throws Exception {
        TestDb.Db db = TestDb.postgres("node");
        try {
            try (Node node = Node.start(NodeTest.settings(dir, db))) {
                assertTrue(NodeTest.get(node.ready()));
                assertEquals(12, NodeTest.get(node.ingest(NodeTest.ticks("005930", 12))).accepted());
                assertEquals(2, NodeTest.get(node.status("005930")).orElseThrow().barsClosed());
            }
            try (Node node = Node.start(NodeTest.settings(dir, db))) {
                assertEquals(12, NodeTest.get(node.status("005930")).orElseThrow().accepted(), "recovered from PostgreSQL");
            }
        } finally {
            db.drop();
        }
    }
}
