package io.overlayboot.guard;

/**
 * The boot loader entry the next boot uses.
 *
 * @param title its menu path ({@code Advanced options for Debian GNU/Linux>Debian GNU/Linux, with
 *     Linux 6.1.0-50-amd64}), or a description when there is no GRUB menu
 * @param id its GRUB id, or empty
 * @param chosenBy how it was chosen, e.g. {@code grubenv saved_entry 'gnulinux-...'}
 * @param kernel the kernel file as the boot loader names it
 * @param cmdline the kernel command line it passes
 */
public record BootEntry(String title, String id, String chosenBy, String kernel, String cmdline) {}
