package io.github.flinkkafkaavg.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is plain Java so that its semantics are tested, benchmarked and reused without a cluster. */
class EngineIsPlainJavaTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.flinkkafkaavg.core");

    @Test
    void engineImportsNoFlinkKafkaOrJackson() {
        noClasses().that().resideInAPackage("..core.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.apache.kafka..", "com.fasterxml..")
                .check(MAIN);
    }

    @Test
    void coreKnowsNothingOfKafka() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "com.fasterxml.jackson..")
                .check(MAIN);
    }
}
