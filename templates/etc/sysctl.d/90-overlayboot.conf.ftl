# overlayboot [=version]: sysctl settings asked for with --sysctl.
<#list sysctls as s>
<#if s.weakens>
# WARNING: this weakens a kernel protection; keep it only if you need it.
</#if>
[=s.key] = [=s.value]
</#list>
