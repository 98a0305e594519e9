# overlayboot [=version]: runs overlayboot-fill.service every [=values.fill_interval] seconds
# (fill_interval) while / is protected: without a mount at /rw the timer does not start at all.
# Pulled in by timers.target.d/overlayboot-fill.conf. Rendered by 'overlayboot render'.
[Unit]
Description=overlayboot: check how full the upper layer is every [=values.fill_interval] s
ConditionPathIsMountPoint=/rw

[Timer]
OnActiveSec=[=values.fill_interval]s
OnUnitActiveSec=[=values.fill_interval]s
AccuracySec=1s
