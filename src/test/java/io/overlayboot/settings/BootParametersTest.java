package io.overlayboot.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BootParametersTest {

    static Stream<CmdlineCases.Case> cases() {
        return CmdlineCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRowOfTheSharedTableResolvesAsExpected(CmdlineCases.Case c) {
        Resolution r = BootParameters.resolve(c.cmdline(), c.config() == null ? "" : c.config());
        CmdlineCases.assertMeetsExpectations(c, r.planLines());
    }

    @Test
    void warningsNameTheInputAndWhatWasDoneInstead() {
        Resolution r = BootParameters.resolve("overlayboot=tmpfs:sise=64M,size=lots", "");
        assertThat(r.warnings()).containsExactly(
                "overlayboot: unknown option 'sise' in 'overlayboot=tmpfs:sise=64M,size=lots', ignoring it",
                "overlayboot: bad value 'lots' for size= in 'overlayboot=tmpfs:sise=64M,size=lots'"
                        + " (expected N% of RAM (1-100) or a size like 512M or 2G, below 8 EiB), using 50%");
        assertThat(r.active()).isTrue();
    }

    @Test
    void planLinesListEverySettingInTableOrder() {
        Resolution r = BootParameters.resolve("aufs=tmpfs", "");
        List<String> names = r.planLines().stream().skip(1).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).containsExactlyElementsOf(Settings.ALL.stream().map(Setting::name).toList());
        assertThat(r.planLines().getFirst()).isEqualTo("active=1");
    }

    @Property
    void everyValidSizeIsTakenAsGiven(@ForAll("validSizes") String size) {
        Resolution r = BootParameters.resolve("overlayboot=tmpfs:size=" + size, "");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.get(Settings.SIZE)).isEqualTo(size);
    }

    @Property
    void everyMalformedSizeIsNamedAndTheDefaultKept(@ForAll("malformedSizes") String size) {
        Resolution r = BootParameters.resolve("overlayboot=tmpfs:size=" + size, "");
        assertThat(r.warnings()).singleElement().asString()
                .contains("bad value '" + size + "' for size=").endsWith("using 50%");
        assertThat(r.get(Settings.SIZE)).isEqualTo("50%");
        assertThat(r.active()).isTrue();
    }

    @Property
    void everyValidDeviceSpecSelectsDeviceMode(@ForAll("validDevices") String dev) {
        Resolution r = BootParameters.resolve("ro aufs=" + dev, "");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.get(Settings.MODE)).isEqualTo("device");
        assertThat(r.get(Settings.DEV)).isEqualTo(dev);
    }

    @Property
    void disabledBeatsEverythingWhereverItStands(@ForAll(supplier = CmdlineCases.AnyTokens.class) List<String> tokens, @ForAll int position) {
        List<String> all = new java.util.ArrayList<>(tokens);
        all.add(Math.floorMod(position, all.size() + 1), "overlayboot=disabled");
        Resolution r = BootParameters.resolve(String.join(" ", all), "mode=tmpfs");
        assertThat(r.active()).isFalse();
        assertThat(r.get(Settings.MODE)).isEqualTo("disabled");
    }

    @Property
    void anyCommandLineResolvesWithoutThrowing(@ForAll(supplier = CmdlineCases.AnyTokens.class) List<String> tokens) {
        Resolution r = BootParameters.resolve(String.join(" ", tokens), "");
        for (Setting s : Settings.ALL) {
            String v = r.get(s);
            if (s != Settings.MODE && !v.isEmpty()) {
                assertThat(s.kind().accepts(v)).as("%s=%s", s.name(), v).isTrue();
            }
        }
    }

    @Provide
    static Arbitrary<String> validSizes() {
        Arbitrary<String> percent = Arbitraries.integers().between(1, 100).map(i -> i + "%");
        Arbitrary<String> amount = Combinators.combine(
                        Arbitraries.longs().between(1, 8_589_934_591L),
                        Arbitraries.of("", "k", "K", "m", "M", "g", "G"))
                .as((n, unit) -> n + unit);
        return Arbitraries.oneOf(percent, amount);
    }

    @Provide
    static Arbitrary<String> malformedSizes() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(101, 999).map(i -> i + "%"),
                Arbitraries.of("0", "0%", "00", "-1", "1T", "5kk", "%", "1.5G", "01M", "", "50%%", "size", "17179869184G",
                        "8589934592G", "8796093022208M", "1000000000000000"),
                Arbitraries.strings().withChars("abcxyz!?#").ofMinLength(1).ofMaxLength(5));
    }

    @Provide
    static Arbitrary<String> validDevices() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcXYZ019._+@-").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(8)
                .list().ofMinSize(1).ofMaxSize(4).map(groups -> String.join("-", groups));
        return Arbitraries.oneOf(
                word.map(w -> "LABEL=" + w), word.map(w -> "PARTLABEL=" + w),
                hex.map(h -> "UUID=" + h), hex.map(h -> "PARTUUID=" + h),
                Arbitraries.of("/dev/sdb1", "/dev/vdb", "/dev/disk/by-label/data", "/dev/mapper/vg-upper"));
    }

}
