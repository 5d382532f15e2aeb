package persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * A test that runs once on H2 and once on PostgreSQL, each time on a fresh, empty database that it
 * takes as a {@link TestDb.Db} parameter: an H2 file in a new temporary directory, or a new schema in
 * the test PostgreSQL ({@link TestDb#postgres}: skipped, or failed when required, if it cannot be
 * reached). The database is dropped after the run, whatever its outcome. The store tests used to
 * repeat this (a temp dir, a field, {@code @AfterEach} drop, one method per database) in every class.
 *
 * <p>{@code value} labels the PostgreSQL schema ({@code tw_<value>_<random>}), to tell whose it is.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(EachDb.Runs.class)
public @interface EachDb {
    String value();

    /** The two runs: H2 first (no server needed), then PostgreSQL. */
    final class Runs implements TestTemplateInvocationContextProvider {
        @Override
        public boolean supportsTestTemplate(ExtensionContext context) {
            return context.getTestMethod().map(m -> m.isAnnotationPresent(EachDb.class)).orElse(false);
        }

        @Override
        public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
            String label = context.getRequiredTestMethod().getAnnotation(EachDb.class).value();
            return Stream.of(run("H2", ignored -> h2()), run("PostgreSQL", l -> new Opened(TestDb.postgres(l))))
                    .map(r -> r.labelled(label));
        }

        private static Run run(String name, Function<String, Opened> open) {
            return new Run(name, open, null);
        }

        private static Opened h2() {
            try {
                Path dir = Files.createTempDirectory("tickwatch-db");
                return new Opened(TestDb.h2(dir), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A database opened for one run, and the H2 directory to delete after it (null for PostgreSQL). */
    record Opened(TestDb.Db db, Path dir) implements ExtensionContext.Store.CloseableResource {
        Opened(TestDb.Db db) {
            this(db, null);
        }

        @Override
        public void close() throws IOException {
            db.drop();
            if (dir != null) {
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * One run: the database is opened before each (so that an unreachable PostgreSQL skips the run
     * rather than failing parameter resolution) and closed with the run's extension context.
     */
    record Run(String name, Function<String, Opened> open, String label)
            implements TestTemplateInvocationContext, BeforeEachCallback, ParameterResolver {
        Run labelled(String l) {
            return new Run(name, open, l);
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return name;
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(this);
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            context.getStore(ExtensionContext.Namespace.create(EachDb.class)).put("db", open.apply(label));
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
            return p.getParameter().getType() == TestDb.Db.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext context) {
            return context.getStore(ExtensionContext.Namespace.create(EachDb.class)).get("db", Opened.class).db();
        }
    }
}
