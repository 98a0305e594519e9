package io.overlayboot.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersistTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "etc/foo | is not an absolute path",
            "/ | is the root itself (persist the paths under it instead)",
            "/etc/../shadow | is not a plain path (no '.', '..', '//' or trailing '/')",
            "/etc/./foo | is not a plain path (no '.', '..', '//' or trailing '/')",
            "/etc//foo | is not a plain path (no '.', '..', '//' or trailing '/')",
            "/etc/foo/ | is not a plain path (no '.', '..', '//' or trailing '/')",
            "/proc | is under /proc, which is not part of the root filesystem's persistent content",
            "/sys/kernel | is under /sys, which is not part of the root filesystem's persistent content",
            "/dev/sda | is under /dev, which is not part of the root filesystem's persistent content",
            "/run/foo | is under /run, which is not part of the root filesystem's persistent content",
            "/ro/etc | is under /ro, which is not part of the root filesystem's persistent content",
            "/rw | is under /rw, which is not part of the root filesystem's persistent content",
            "/etc/f,o | has a character outside A-Z a-z 0-9 . _ @ - /",
            "/etc/f*o | has a character outside A-Z a-z 0-9 . _ @ - /",
            "/etc | holds /etc/fstab, which each protected boot rewrites in the union (persist the paths beside it instead)",
            "/etc/fstab | holds /etc/fstab, which each protected boot rewrites in the union (persist the paths beside it instead)",
            "@sshkeys | is not a preset (presets: @ssh-host-keys @machine-id @network @docker @logs)",
    })
    void everyBadEntryIsRefusedWithItsReason(String entry, String reason) {
        assertThat(Persist.problem(entry)).contains(reason);
        assertThat(Persist.accepts("/etc/ok " + entry)).isFalse();
        assertThat(Persist.firstProblem("/etc/ok+" + entry)).contains("'" + entry + "' " + reason);
        assertThat(Settings.PERSIST.kind().accepts(entry)).isFalse();
    }

    @Test
    void prefixesThatOnlyLookLikeRefusedOnesAreFine() {
        assertThat(Persist.problem("/process")).isEmpty();
        assertThat(Persist.problem("/rwdata")).isEmpty();
        assertThat(Persist.problem("/devices/x")).isEmpty();
        assertThat(Persist.problem("/etc/..hidden")).isEmpty();
        assertThat(Persist.problem("/etcetera")).isEmpty();
        assertThat(Persist.problem("/etc/fstab.d")).isEmpty();
    }

    @Test
    void spacesAndPlusesSeparateAndAnEmptyValuePersistsNothing() {
        assertThat(Persist.entries(" /a  /b+@logs++/c ")).containsExactly("/a", "/b", "@logs", "/c");
        assertThat(Persist.accepts("")).isTrue();
        assertThat(Persist.expand("")).isEmpty();
    }

    @Test
    void presetsExpandToTheirDocumentedPathsOnceEach() {
        List<String> paths = Persist.expand("@ssh-host-keys @machine-id @network @docker @logs /var/lib/docker")
                .stream().map(Persist.Target::path).toList();
        assertThat(paths).containsExactly("/etc/ssh/ssh_host_*", "/etc/machine-id",
                "/etc/NetworkManager/system-connections", "/var/lib/NetworkManager", "/var/lib/dhcp",
                "/var/lib/docker", "/var/lib/containerd", "/var/log/journal");
        assertThat(Persist.expand("@ssh-host-keys").getFirst().glob()).isTrue();
        assertThat(Persist.expand("@machine-id").getFirst().type()).isEqualTo(Persist.Type.FILE);
        assertThat(Persist.expand("/srv/data").getFirst())
                .isEqualTo(new Persist.Target("/srv/data", Persist.Type.DIR, "0755", false));
    }

    @Test
    void everyPresetsOwnPathsPassTheGrammarOfPlainEntries() {
        for (Persist.Preset p : Persist.PRESETS) {
            for (Persist.Target t : p.targets()) {
                String path = t.glob() ? t.path().replace("*", "x") : t.path();
                assertThat(Persist.problem(path)).as(path).isEmpty();
            }
        }
    }

    @Test
    void coversAPathAndWhatIsUnderIt() {
        assertThat(Persist.covers(List.of("/var/lib/docker"), "/var/lib/docker/x")).isTrue();
        assertThat(Persist.covers(List.of("/var/lib/docker"), "/var/lib/docker")).isTrue();
        assertThat(Persist.covers(List.of("/var/lib/docker"), "/var/lib/dockerd")).isFalse();
    }

    @Property
    void everyPlainAbsolutePathOutsideTheRefusedPlacesIsAccepted(@ForAll("plainPaths") String path) {
        assertThat(Persist.problem(path)).isEmpty();
        assertThat(Persist.entries(path)).containsExactly(path);
    }

    @Property
    void aDotDotComponentAnywhereIsRefused(@ForAll("plainPaths") String path, @ForAll("cuts") int cut) {
        List<String> parts = List.of(path.substring(1).split("/"));
        int at = Math.min(cut, parts.size());
        String withDots = "/" + String.join("/", parts.subList(0, at)) + (at == 0 ? "" : "/") + ".."
                + (at == parts.size() ? "" : "/" + String.join("/", parts.subList(at, parts.size())));
        assertThat(Persist.problem(withDots)).as(withDots).isPresent();
    }

    @Provide
    Arbitrary<String> plainPaths() {
        Arbitrary<String> component = Arbitraries.strings().withChars("abcXYZ019._@-").ofMinLength(1).ofMaxLength(8)
                .filter(c -> !c.equals(".") && !c.equals(".."));
        return component.list().ofMinSize(1).ofMaxSize(5).map(c -> "/" + String.join("/", c))
                .filter(p -> Persist.REFUSED.stream().noneMatch(r -> p.equals(r) || p.startsWith(r + "/")))
                .filter(p -> Persist.BOOT_WRITTEN.stream().noneMatch(w -> w.equals(p) || w.startsWith(p + "/")));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 5);
    }
}
