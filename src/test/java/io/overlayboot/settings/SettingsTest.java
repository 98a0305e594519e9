package io.overlayboot.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void namesFlagsAndShellVariablesAreUnique() {
        assertThat(new HashSet<>(Settings.ALL.stream().map(Setting::name).toList())).hasSize(Settings.ALL.size());
        assertThat(new HashSet<>(Settings.ALL.stream().map(Setting::cliFlag).toList())).hasSize(Settings.ALL.size());
        assertThat(new HashSet<>(Settings.ALL.stream().map(Setting::shellVariable).toList())).hasSize(Settings.ALL.size());
    }

    @Test
    void everyDefaultIsValidOrEmpty() {
        for (Setting s : Settings.ALL) {
            assertThat(s.defaultValue().isEmpty() || s.kind().accepts(s.defaultValue())).as(s.name()).isTrue();
        }
    }

    @Test
    void anInvalidDefaultIsRejectedAtDeclaration() {
        assertThatThrownBy(() -> new Setting("x", "--x", "maybe", new Kind.Flag(), "help", true))
                .isInstanceOf(AssertionError.class).hasMessageContaining("maybe"); // surefire runs with -ea
    }

    @Test
    void onlyModeIsOutsideTheOptionList() {
        assertThat(Settings.ALL.stream().filter(s -> !s.inOptionList()).toList()).containsExactly(Settings.MODE);
    }

    @Test
    void byNameFindsEachSetting() {
        Settings.ALL.forEach(s -> assertThat(Settings.byName(s.name())).contains(s));
        assertThat(Settings.byName("sise")).isEmpty();
    }
}
