package engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down: engine -> actors -> persistence -> conditions (a layer may skip those
 * below it), and the market model in {@code conditions} is plain Java: no Pekko, no I/O.
 * Checked on the compiled bytecode, so fully qualified references count too.
 */
class LayeringTest {
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("engine").definedBy("engine..")
            .layer("actors").definedBy("actors..")
            .layer("persistence").definedBy("persistence..")
            .layer("conditions").definedBy("conditions..")
            .whereLayer("engine").mayNotBeAccessedByAnyLayer()
            .whereLayer("actors").mayOnlyBeAccessedByLayers("engine")
            .whereLayer("persistence").mayOnlyBeAccessedByLayers("actors", "engine")
            .whereLayer("conditions").mayOnlyBeAccessedByLayers("persistence", "actors", "engine");

    static final ArchRule CONDITIONS_PURE = noClasses().that().resideInAPackage("conditions..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.pekko..", "scala..", "java.io..", "java.nio.file..", "java.nio.channels..",
                    "java.net..", "java.sql..", "javax.sql..", "java.util.logging..", "org.slf4j..",
                    "java.util.concurrent..")
            .because("conditions is the deterministic market model: no actors, no I/O, no threads");

    /** Imported once for the class: both rules read the same compiled classes, and an import takes seconds. */
    private static JavaClasses imported;

    private static synchronized JavaClasses production() {
        if (imported == null) {
            imported = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("conditions", "persistence", "actors", "engine");
        }
        return imported;
    }

    @Test
    void layersDependOnlyDownwards() {
        JavaClasses classes = production();
        assertTrue(classes.contain(conditions.Tick.class) && classes.contain(engine.Main.class)
                && !classes.contain(LayeringTest.class), "production classes, and only those, were imported");
        LAYERS.check(classes);
    }

    @Test
    void conditionsUsesNoPekkoAndNoIo() {
        CONDITIONS_PURE.check(production());
    }

    /** The rules are not vacuous: a class that points up, or does I/O in conditions, is caught. */
    @Test
    void rulesCatchViolations() {
        JavaClasses bad = new ClassFileImporter().importClasses(
                conditions.fixture.PointsUp.class, conditions.fixture.DoesIo.class, engine.Main.class);
        EvaluationResult layers = LAYERS.evaluate(bad);
        assertTrue(layers.hasViolation(), "a conditions class using engine must violate the layering");
        assertTrue(layers.getFailureReport().toString().contains("PointsUp"));
        EvaluationResult pure = CONDITIONS_PURE.evaluate(bad);
        assertTrue(pure.hasViolation(), "a conditions class using java.io must violate purity");
        assertTrue(pure.getFailureReport().toString().contains("DoesIo"));
        assertFalse(pure.getFailureReport().toString().contains("engine.Main"));
    }
}
