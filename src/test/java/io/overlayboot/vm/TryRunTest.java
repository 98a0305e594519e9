package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TryRunTest {
    @Test
    void theInstallOptionsAskForExactlyWhatTheUserChose() {
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put("size", "64M");
        chosen.put("swap", "1");
        RenderRequest request = RenderRequest.of(chosen, List.of(Sysctl.parse("vm.swappiness=10")), true);

        assertThat(TryRun.installOptions(request))
                .containsExactly("--size", "64M", "--swap", "1", "--sysctl=vm.swappiness=10");
    }

    @Test
    void theDefaultsNeedNoOption() {
        assertThat(TryRun.installOptions(RenderRequest.defaults())).isEmpty();
    }
}
