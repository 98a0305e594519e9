# overlayboot [=version]: checks how full the upper layer is (see /usr/lib/overlayboot/overlayboot-fill).
# Started by overlayboot-fill.timer. Rendered by 'overlayboot render'.
[Unit]
Description=overlayboot: check how full the upper (RAM) layer is
ConditionPathIsMountPoint=/rw

[Service]
Type=oneshot
ExecStart=/bin/sh /usr/lib/overlayboot/overlayboot-fill
