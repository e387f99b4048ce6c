package io.github.flinkkafkaavg.benchmarks.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.flinkkafkaavg.core.annotation.Internal;
import io.github.flinkkafkaavg.core.annotation.PublicEvolving;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rules of the code's shape, checked over the main classes of every module (this module is built last and has
 * them all on its test class path): no package depends on itself through others, {@code internal} packages are used
 * only inside their module, every public type of the library says whether it is API, and the engine stays plain
 * Java.
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.flinkkafkaavg";
    private static final String[] LIBRARY = {ROOT + ".core..", ROOT + ".sql..", ROOT + ".connectors..",
        ROOT + ".testkit.."};

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void everyModuleIsChecked() {
        // Without this, a class path that lost a module would let every rule below pass on nothing.
        assertThat(MAIN.stream().map(JavaClass::getPackageName).map(p -> p.split("\\.")[3]).collect(Collectors.toSet()))
                .contains("core", "sql", "connectors", "testkit", "examples", "benchmarks");
    }

    /** Each package is its own slice, a parent and its sub-packages included: a facade and its parts may not loop. */
    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void internalPackagesAreUsedOnlyInsideTheirModule() {
        for (String module : new String[] {"core", "sql", "connectors", "testkit"}) {
            String prefix = ROOT + "." + module;
            noClasses().that().resideOutsideOfPackage(prefix + "..")
                    .should().dependOnClassesThat().resideInAPackage(prefix + "..internal..")
                    .because("the internal packages of " + module + " may change in any release")
                    .check(MAIN);
        }
    }

    @Test
    void everyPublicTypeOfTheLibraryIsDeclaredApiOrInternal() {
        classes().that().arePublic().and().areTopLevelClasses()
                .and().resideInAnyPackage(LIBRARY).and().resideOutsideOfPackage("..internal..")
                .should().beAnnotatedWith(PublicEvolving.class).orShould().beAnnotatedWith(Internal.class)
                .because("a user must be able to tell what is API")
                .check(MAIN);
    }

    @Test
    void theEngineIsPlainJava() {
        noClasses().that().resideInAPackage(ROOT + ".core.engine..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..", "com.fasterxml..")
                .because("its semantics are tested, benchmarked and reused without a cluster")
                .check(MAIN);
    }

    @Test
    void coreAndTheSqlFunctionsKnowNothingOfKafka() {
        noClasses().that().resideInAnyPackage(ROOT + ".core..", ROOT + ".sql..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "com.fasterxml.jackson..")
                .check(MAIN);
    }
}
