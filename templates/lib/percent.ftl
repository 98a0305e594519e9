<#-- ob_is_percent, the one definition: included by the boot library (overlayboot-functions.ftl) and
     by the fill check (usr/lib/overlayboot/overlayboot-fill.ftl), which runs on its own on the
     installed system, so it carries its own rendered copy rather than sourcing the library. -->
# ob_is_percent VALUE: a whole percent 1..100 (io.overlayboot.settings.Kind.Percent).
ob_is_percent() {
	case "$1" in
	"" | 0* | *[!0-9]*) return 1 ;;
	esac
	[ "${#1}" -le 3 ] && [ "$1" -le 100 ]
}
