# overlayboot [=version]: starts overlayboot-fill.timer with the other timers (a drop-in instead of
# 'systemctl enable', so install and uninstall stay file edits). Rendered by 'overlayboot render'.
[Unit]
Wants=overlayboot-fill.timer
