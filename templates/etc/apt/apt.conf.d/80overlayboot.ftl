// overlayboot [=version]: before dpkg unpacks anything, warn when / is protected (what apt installs
// is then lost at the next reboot) and name the commands that make it stick. The check is the
// script below; it only warns and apt goes on either way. Rendered by 'overlayboot render';
// 'overlayboot uninstall' removes it.
DPkg::Pre-Invoke { "if [ -x /etc/overlayboot/apt-pre-invoke ]; then /etc/overlayboot/apt-pre-invoke; fi; true"; };
