package io.overlayboot.render;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateScalarModel;
import io.overlayboot.core.Version;
import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.Persist;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Renders the files that make a Debian-style machine boot protected, from the FreeMarker templates
 * under {@code templates/} (shipped in the jar). Template paths mirror where their output lands,
 * except {@code templates/lib/overlayboot-functions.ftl}: the boot core, rendered once to
 * {@link #LIBRARY}, put into every initramfs by both front-ends (initramfs-tools' hook, dracut's
 * module-setup.sh) and sourced there by initramfs-tools' init-bottom script and dracut's boot script.
 *
 * <p>FreeMarker runs strict: an undefined variable is an error, nothing is auto-escaped (the output
 * is shell, not HTML), interpolation is {@code [=expr]} so shell's {@code ${var}} stays literal, and
 * every user value reaches shell through the {@code q} method ({@link ShellQuote}).
 */
public final class Renderer {
    /** One rendered file: where it lands, its template, its mode, when it is wanted, and for which generator (null: all). */
    private record Output(String path, String template, int mode, Predicate<RenderRequest> wanted, Generator generator) {
        Output(String path, int mode, Predicate<RenderRequest> wanted, Generator generator) {
            this(path, path + ".ftl", mode, wanted, generator);
        }
    }

    /** initramfs-tools' boot script, relative to the target's root. */
    public static final String INIT_BOTTOM = "etc/initramfs-tools/scripts/init-bottom/overlayboot";
    /** The config file, relative to the target's root; the same path inside the initramfs. */
    public static final String CONFIG = "etc/overlayboot.conf";
    static final String DRACUT_MODULE = "usr/lib/dracut/modules.d/90overlayboot/";
    /** The boot library, relative to the target's root; the same path inside the initramfs. */
    public static final String LIBRARY = "usr/share/overlayboot/overlayboot-functions";
    /** apt's warning before dpkg runs on a protected root (maintain/, 'overlayboot upgrade'). */
    static final String APT_HOOK = "etc/apt/apt.conf.d/80overlayboot";
    /** The check that apt hook runs. */
    static final String APT_CHECK = "etc/overlayboot/apt-pre-invoke";

    private static final List<Output> OUTPUTS = List.of(
            new Output(INIT_BOTTOM, 0755, r -> true, Generator.INITRAMFS_TOOLS),
            new Output("etc/initramfs-tools/hooks/overlayboot", 0755, r -> true, Generator.INITRAMFS_TOOLS),
            new Output(DRACUT_MODULE + "module-setup.sh", 0755, r -> true, Generator.DRACUT),
            new Output(DRACUT_MODULE + "overlayboot-pre-pivot.sh", 0755, r -> true, Generator.DRACUT),
            new Output(DRACUT_MODULE + "overlayboot-boot.sh", 0755, r -> true, Generator.DRACUT),
            new Output("etc/dracut.conf.d/overlayboot.conf", 0644, r -> true, Generator.DRACUT),
            new Output(CONFIG, 0644, r -> true, null),
            new Output("etc/default/grub.d/overlayboot.cfg", 0644, RenderRequest::grub, null),
            new Output("etc/sysctl.d/90-overlayboot.conf", 0644, r -> !r.sysctl().isEmpty(), null),
            new Output("etc/kernel/postinst.d/zz-overlayboot", 0755, r -> true, null),
            new Output("etc/initramfs/post-update.d/zz-overlayboot", 0755, r -> true, Generator.INITRAMFS_TOOLS),
            new Output("etc/profile.d/overlayboot.sh", 0644, r -> true, null),
            new Output(LIBRARY, "lib/overlayboot-functions.ftl", 0644, r -> true, null),
            new Output("usr/lib/overlayboot/overlayboot-fill", 0755, r -> true, null),
            new Output("etc/systemd/system/overlayboot-fill.service", 0644, r -> true, null),
            new Output("etc/systemd/system/overlayboot-fill.timer", 0644, Renderer::fillChecks, null),
            new Output("etc/systemd/system/timers.target.d/overlayboot-fill.conf", 0644, Renderer::fillChecks, null),
            new Output(APT_HOOK, 0644, r -> true, null),
            new Output(APT_CHECK, 0755, r -> true, null),
            new Output(BootMenu.SCRIPT, 0755, RenderRequest::grub, null));

    /** The fill check's timer runs unless fill_interval is 0. */
    private static boolean fillChecks(RenderRequest r) {
        return !r.value(Settings.FILL_INTERVAL).equals("0");
    }

    private final Configuration freemarker;

    public Renderer() {
        freemarker = new Configuration(Configuration.VERSION_2_3_34);
        freemarker.setClassForTemplateLoading(Renderer.class, "/templates");
        freemarker.setDefaultEncoding("UTF-8");
        freemarker.setInterpolationSyntax(Configuration.SQUARE_BRACKET_INTERPOLATION_SYNTAX);
        freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        freemarker.setLogTemplateExceptions(false);
        freemarker.setWrapUncheckedExceptions(true);
        freemarker.setFallbackOnNullLoopVariable(false);
        freemarker.setNumberFormat("computer");
        freemarker.setBooleanFormat("c");
        freemarker.setWhitespaceStripping(true);
    }

    /** Renders every file the request asks for, for every generator, in a stable order. */
    public List<RenderedFile> render(RenderRequest request) {
        return render(request, null);
    }

    /** Renders the files the request asks for that {@code generator} uses (and the shared ones). */
    public List<RenderedFile> render(RenderRequest request, Generator generator) {
        return render(request, generator, Layout.ADMIN);
    }

    /**
     * Renders the files the request asks for that {@code generator} (null: every one) uses, placed
     * as {@code layout} says; the templates see {@code packaged} (true for {@link Layout#PACKAGE}).
     */
    public List<RenderedFile> render(RenderRequest request, Generator generator, Layout layout) {
        Map<String, Object> model = model(request);
        model.put("packaged", layout == Layout.PACKAGE);
        List<RenderedFile> files = new ArrayList<>();
        for (Output output : OUTPUTS) {
            boolean forThis = generator == null || output.generator() == null || output.generator() == generator;
            Optional<String> place = layout.place(output.path());
            if (forThis && output.wanted().test(request) && place.isPresent()) {
                files.add(new RenderedFile(place.get(), apply(output.template(), model), output.mode()));
            }
        }
        return List.copyOf(files);
    }

    private byte[] apply(String templateName, Map<String, Object> model) {
        try {
            Template template = freemarker.getTemplate(templateName);
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + templateName, e);
        } catch (TemplateException e) {
            throw new IllegalStateException("template " + templateName + " failed: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> model(RenderRequest request) {
        List<Map<String, Object>> settings = new ArrayList<>();
        Map<String, Object> values = new HashMap<>();
        for (Setting s : Settings.ALL) {
            values.put(s.name(), request.value(s));
            Map<String, Object> m = new HashMap<>();
            m.put("name", s.name());
            m.put("var", s.shellVariable());
            m.put("default", s.defaultValue());
            m.put("value", request.value(s));
            m.put("chosen", request.chosen().containsKey(s));
            m.put("expected", s.kind().expected());
            m.put("check", s.kind().shellCheck());
            m.put("help", s.help());
            m.put("inOptionList", s.inOptionList());
            settings.add(m);
        }
        List<Map<String, Object>> sysctls = new ArrayList<>();
        for (Sysctl s : request.sysctl()) {
            sysctls.add(Map.of("key", s.key(), "value", s.value(), "weakens", s.weakensSecurity()));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("version", Version.version());
        model.put("settings", settings);
        model.put("values", values);
        model.put("configPath", BootParameters.CONFIG_PATH);
        model.put("libraryPath", "/" + LIBRARY);
        model.put("kernelParameter", request.kernelParameter());
        model.put("helperEnabled", !"shell".equals(request.value(Settings.HELPER)));
        model.put("driver", request.value(Settings.DRIVER));
        model.put("sysctls", sysctls);
        model.put("q", (TemplateMethodModelEx) Renderer::quoteArgument);
        model.put("ids", BootMenu.ids());
        model.put("titles", BootMenu.titles());
        model.put("nextBootFlag", BootMenu.FLAG);
        model.put("persistRefused", Persist.REFUSED);
        model.put("persistBootWritten", Persist.BOOT_WRITTEN);
        model.put("persistPresets", Persist.PRESETS.stream().map(p -> Map.of("name", p.name(), "targets",
                p.targets().stream().map(t -> t.type().name().toLowerCase(java.util.Locale.ROOT) + " " + t.mode() + " "
                        + (t.glob() ? 1 : 0) + " " + t.path()).toList())).toList());
        return model;
    }

    private static Object quoteArgument(List<?> args) throws TemplateModelException {
        if (args.size() != 1 || !(args.get(0) instanceof TemplateScalarModel scalar)) {
            throw new TemplateModelException("q(...) takes exactly one string");
        }
        return ShellQuote.quote(scalar.getAsString());
    }
}
