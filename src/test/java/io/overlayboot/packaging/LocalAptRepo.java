package io.overlayboot.packaging;

/**
 * Test support: shell lines that give a mounted Debian root {@code $m} (a copy of the cached
 * chroot) a package to upgrade and a local apt repository to upgrade it from, as
 * {@code overlayboot upgrade} needs. Package {@value #PACKAGE} {@value #OLD} is installed (built
 * by the root's own {@code dpkg-deb}; its one file {@value #FILE} holds its version), and
 * {@code /srv/repo} holds {@value #NEW} with a hand-written {@code Packages} and {@code Release};
 * {@code deb [trusted=yes] file:/srv/repo ./} becomes the root's only apt source (no network is
 * needed, and none is reached). Used by {@code maintain/UpgradeTest} (a chroot over a loop image)
 * and {@link GrubBootIT} (a QEMU guest, where {@code $m} is {@code /}).
 */
public final class LocalAptRepo {
    public static final String PACKAGE = "obtest";
    public static final String OLD = "1.0";
    public static final String NEW = "2.0";
    /** The package's only file: its version and a newline. */
    public static final String FILE = "/usr/share/obtest/version";

    /** Sets up {@code $m} as the class comment says; needs {@code dpkg-deb} and {@code dpkg} inside {@code $m}. */
    public static final String OLD_INSTALLED_NEW_IN_REPO = """
            obtest_build() {
              d=$m/tmp/obtest-$1
              mkdir -p "$d/DEBIAN" "$d/usr/share/obtest" "$m/srv/repo"
              printf 'Package: obtest\\nVersion: %s\\nArchitecture: all\\nMaintainer: test <test@example.org>\\nDescription: overlayboot upgrade test\\n' "$1" > "$d/DEBIAN/control"
              printf '%s\\n' "$1" > "$d/usr/share/obtest/version"
              chroot "$m" dpkg-deb --root-owner-group --build "/tmp/obtest-$1" "/srv/repo/obtest_$1_all.deb" > /dev/null
              rm -rf "$d"
            }
            obtest_build 1.0; obtest_build 2.0
            chroot "$m" dpkg -i /srv/repo/obtest_1.0_all.deb > /dev/null
            rm "$m/srv/repo/obtest_1.0_all.deb"
            obtest_deb=$m/srv/repo/obtest_2.0_all.deb
            { chroot "$m" dpkg-deb -f /srv/repo/obtest_2.0_all.deb
              printf 'Filename: ./obtest_2.0_all.deb\\nSize: %s\\nSHA256: %s\\n\\n' "$(stat -c %s "$obtest_deb")" "$(sha256sum "$obtest_deb" | cut -d' ' -f1)"
            } > "$m/srv/repo/Packages"
            printf 'Origin: obtest\\nLabel: obtest\\nSuite: local\\nCodename: local\\nDate: %s\\nArchitectures: amd64 all\\nSHA256:\\n %s %s Packages\\n' \\
              "$(LC_ALL=C date -u -R)" "$(sha256sum "$m/srv/repo/Packages" | cut -d' ' -f1)" "$(stat -c %s "$m/srv/repo/Packages")" > "$m/srv/repo/Release"
            rm -f "$m/etc/apt/sources.list" "$m"/etc/apt/sources.list.d/*
            echo 'deb [trusted=yes] file:/srv/repo ./' > "$m/etc/apt/sources.list.d/obtest.list"
            """;

    private LocalAptRepo() {}
}
