package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.sys.Exec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Initrds from Debian's update-initramfs in the cached chroot (no boot; needs the chroot). */
@Tag("vm")
class InitrdCacheIT {
    static InitrdCache cache;

    @BeforeAll
    static void chroot() {
        cache = new InitrdCache(DebianChroot.ensure(System.err::println));
    }

    @Test
    void theOverlayModuleComesFromOverlaybootsHookNotFromTheModulesList() {
        InitrdCache.BootFiles stock = cache.standard(TargetLayout.NONE, System.err::println);
        InitrdCache.BootFiles installed = cache.standard(TargetLayout.rendered(RenderRequest.defaults()), System.err::println);

        assertThat(lsinitramfs(stock)).noneMatch(f -> f.endsWith("/overlay.ko") || f.endsWith("/overlay.ko.xz"))
                .noneMatch(f -> f.endsWith("scripts/init-bottom/overlayboot"));
        assertThat(lsinitramfs(installed)).anyMatch(f -> f.contains("/overlay.ko"))
                .anyMatch(f -> f.endsWith("scripts/init-bottom/overlayboot"))
                .anyMatch(f -> f.endsWith("etc/overlayboot.conf"))
                .anyMatch(f -> f.endsWith("/blkid"));
    }

    @Test
    void theSameInputsGiveTheCachedInitrdAndOtherInputsAnother() {
        InitrdCache.BootFiles first = cache.standard(TargetLayout.rendered(RenderRequest.defaults()), s -> {});
        long start = System.nanoTime();
        InitrdCache.BootFiles again = cache.standard(TargetLayout.rendered(RenderRequest.defaults()), s -> {});
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        InitrdCache.BootFiles other = cache.standard(
                TargetLayout.rendered(RenderRequest.of(java.util.Map.of("size", "25%"), List.of(), true)), s -> {});

        assertThat(again).isEqualTo(first);
        assertThat(took).as("a cache hit runs no update-initramfs").isLessThan(Duration.ofSeconds(2));
        assertThat(other.key()).isNotEqualTo(first.key());
    }

    private static List<String> lsinitramfs(InitrdCache.BootFiles files) {
        return Exec.stream(List.of("lsinitramfs", files.initrd().toString()), Duration.ofMinutes(1), line -> {}).check().lines();
    }
}
