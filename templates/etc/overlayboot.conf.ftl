# /etc/overlayboot.conf: defaults for overlayboot's boot script ([=version]).
#
# Protection is switched on by a kernel parameter (the GRUB drop-in adds one), for example
#   aufs=tmpfs                        writes go to RAM
#   aufs=LABEL=overlay                writes go to that device
#   overlayboot=tmpfs:size=30%,swap=1 with options (name=value, comma separated)
#   overlayboot=disabled              boot plain; beats everything else
# The kernel command line wins over this file; this file wins over the built-in defaults.
# Lines are key=value; an empty value means the default. The initramfs keeps a copy of this
# file: after editing it run 'update-initramfs -u' (or 'overlayboot configure KEY=VALUE').
<#list settings as s>

# [=s.help]
# Allowed: [=s.expected]. Default: <#if s.default == "">(empty)<#else>[=s.default]</#if>.
<#if s.chosen>
[=s.name]=[=s.value]
<#else>
#[=s.name]=[=s.default]
</#if>
</#list>
