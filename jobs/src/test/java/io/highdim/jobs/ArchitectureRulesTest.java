package io.highdim.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import io.highdim.jobs.spark.RuleBreakingFixture;
import io.highdim.jobs.spark.SparkContexts;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The rules of the house (docs/architecture.md), checked on the compiled main classes of both modules: data flows one
 * way between packages; {@code spark/} holds only what touches Spark and never the catalogue; the model and the
 * computations know neither Spark nor SQL; the HTTP layer knows no command; main code has no test switches.
 */
@AnalyzeClasses(packages = "io.highdim", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureRulesTest {
    private static final String SPARK = "io.highdim.jobs.spark";

    @ArchTest
    static final ArchRule noCycleBetweenPackages = slices().matching("io.highdim.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule sparkPackageHoldsOnlyWhatUsesSpark = classes().that().resideInAPackage(SPARK)
            .and().areTopLevelClasses().should(useSparkThemselvesOrInTheirNestedClasses());

    @ArchTest
    static final ArchRule sparkNeverTouchesTheCatalogue = noClasses().that().resideInAPackage(SPARK + "..")
            .should().dependOnClassesThat().resideInAPackage("io.highdim.jobs.catalogue..");

    @ArchTest
    static final ArchRule sparkTypesStayInSparkAndTheCommandLine = noClasses().that()
            .resideOutsideOfPackages(SPARK + "..", "io.highdim.jobs.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..");

    @ArchTest
    static final ArchRule modelAndComputationsKnowNoSql = noClasses().that()
            .resideInAnyPackage("io.highdim.model..", "io.highdim.jobs.compute..", "io.highdim.jobs.input..",
                    "io.highdim.jobs.output..", "io.highdim.jobs.spec..", "io.highdim.tiff..", "io.highdim.stats..",
                    "io.highdim.png..", "io.highdim.segment..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "io.highdim.jobs.catalogue..");

    @ArchTest
    static final ArchRule httpLayerKnowsNoCommand = noClasses().that().resideInAPackage("io.highdim.jobs.serve..")
            .should().dependOnClassesThat().resideInAPackage("io.highdim.jobs.cli..");

    @ArchTest
    static final ArchRule mainCodeReadsNoTestSwitches = classes().should(haveNoStringStartingWith("highdim.test."));

    /** Each rule can fail: it finds what it forbids in fixtures that break it (test sources, never analysed above). */
    @Test
    void eachRuleFindsWhatItForbids() {
        ClassFileImporter importer = new ClassFileImporter();
        JavaClasses breaking = importer.importClasses(RuleBreakingFixture.class);
        assertTrue(sparkPackageHoldsOnlyWhatUsesSpark.evaluate(breaking).hasViolation(), "a spark/ class without Spark");
        assertTrue(sparkNeverTouchesTheCatalogue.evaluate(breaking).hasViolation(), "spark/ importing catalogue/");
        assertTrue(mainCodeReadsNoTestSwitches.evaluate(breaking).hasViolation(), "a highdim.test.* switch");
        assertTrue(noCycleBetweenPackages.evaluate(importer.importPackages("io.highdim.jobs.archfixture"))
                .hasViolation(), "a cycle between two packages");
        // and the rules hold for classes that keep them: the SparkContexts factory uses Spark
        assertFalse(sparkPackageHoldsOnlyWhatUsesSpark.evaluate(importer.importClasses(SparkContexts.class))
                .hasViolation());
    }

    /** A top-level class that depends on Spark (or Scala) itself or through one of its nested classes. */
    private static ArchCondition<JavaClass> useSparkThemselvesOrInTheirNestedClasses() {
        return new ArchCondition<>("use a Spark or Scala type (itself or in a nested class)") {
            @Override
            public void check(JavaClass top, ConditionEvents events) {
                boolean uses = usesSpark(top);
                for (JavaClass c : top.getPackage().getClasses()) {
                    if (!uses && c.getName().startsWith(top.getName() + "$")) uses = usesSpark(c);
                }
                if (!uses) {
                    events.add(SimpleConditionEvent.violated(top, top.getName() + " uses no Spark type: it belongs in "
                            + "compute/, input/ or output/, not spark/"));
                }
            }
        };
    }

    private static boolean usesSpark(JavaClass c) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
            String p = d.getTargetClass().getPackageName();
            if (p.startsWith("org.apache.spark") || p.startsWith("scala")) return true;
        }
        return false;
    }

    /**
     * No string constant in the class file starts with {@code prefix}: test switches read from system properties
     * ({@code highdim.test.*}) have no place in main code, whatever reads them (System.getProperty, Boolean.getBoolean,
     * a constant passed on). The constant pool holds string literals as modified UTF-8, plain ASCII here.
     */
    static ArchCondition<JavaClass> haveNoStringStartingWith(String prefix) {
        byte[] needle = prefix.getBytes(StandardCharsets.US_ASCII);
        return new ArchCondition<>("have no string constant starting with " + prefix) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                URI uri = c.getSource().orElseThrow().getUri();
                byte[] bytes;
                try (InputStream in = uri.toURL().openStream()) {
                    bytes = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException("reading " + uri, e);
                }
                if (indexOf(bytes, needle) >= 0) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " holds a string starting with "
                            + prefix + ": a test switch in main code"));
                }
            }
        };
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
