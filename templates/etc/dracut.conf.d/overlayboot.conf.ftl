# overlayboot [=version]: include the overlayboot dracut module in every initrd dracut builds
# (also the plain 'dracut --force' of a kernel's postinst). Rendered by 'overlayboot render'.
add_dracutmodules+=" overlayboot "
