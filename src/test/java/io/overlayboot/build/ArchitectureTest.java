package io.overlayboot.build;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down (STYLE.md): the CLI is a leaf that nothing else imports, and the bottom
 * package {@code core} (exit codes, the user-facing exception, JSON, the version) imports no other
 * overlayboot package.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.overlayboot");
    }

    @Test
    void nothingOutsideTheCliDependsOnTheCli() {
        noClasses()
                .that().resideOutsideOfPackage("io.overlayboot.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.overlayboot.cli..")
                .because("the CLI is a thin leaf: domain packages throw core exceptions and return values")
                .check(classes);
    }

    @Test
    void coreDependsOnNoOtherOverlaybootPackage() {
        noClasses()
                .that().resideInAPackage("io.overlayboot.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.overlayboot.cli..", "io.overlayboot.install..", "io.overlayboot.initramfs..",
                        "io.overlayboot.render..", "io.overlayboot.runtime..", "io.overlayboot.sandbox..",
                        "io.overlayboot.helper..", "io.overlayboot.vm..", "io.overlayboot.settings..",
                        "io.overlayboot.files..", "io.overlayboot.sys..")
                .because("core is the bottom package every other one may use")
                .check(classes);
    }

    @Test
    void theProcessRunnerUsesTheJdkOnly() {
        noClasses()
                .that().resideInAPackage("io.overlayboot.sys..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.overlayboot.sys..", "java..")
                .because("sys/ ships in the boot helper's jar, which runs on a java.base-only runtime")
                .check(classes);
    }

    @Test
    void theBootHelperNeedsOnlyWhatItsJarCarries() {
        noClasses()
                .that().resideInAPackage("io.overlayboot.helper..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.overlayboot.helper..",
                        "io.overlayboot.settings..", "io.overlayboot.sys..", "java..")
                .because("the helper jar (pom.xml, maven-jar-plugin) holds only helper/, settings/ and sys/")
                .check(classes);
    }
}
