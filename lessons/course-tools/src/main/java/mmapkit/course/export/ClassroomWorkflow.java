package mmapkit.course.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code .github/workflows/classroom.yml} of a student export: GitHub Classroom's autograding
 * workflow, with one step per assigned module that runs {@code ./course grade --module NN
 * --format classroom} and puts the base64 result in its {@code result} output, and the
 * autograding reporter step that reads them all ({@code runners: module01,module02},
 * environment {@code MODULE01_RESULTS}, ...). Classroom wants the workflow named
 * {@code Autograding Tests} with one job, {@code run-autograding-tests}.
 */
public final class ClassroomWorkflow {

    private ClassroomWorkflow() {
    }

    /** The runner id of a module's step: letters and digits only, as the reporter's runner list requires. */
    public static String runnerId(String moduleFolder) {
        return "module" + moduleFolder.substring(0, 2);
    }

    public static String render(List<String> modules) {
        String template;
        try {
            template = StudentExport.resource("classroom.yml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = template.indexOf("      # {{step}}\n");
        int end = template.indexOf("      # {{end step}}\n");
        String step = template.substring(begin + "      # {{step}}\n".length(), end);
        String steps = modules.stream().map(folder -> step.replace("{{module}}", folder).replace("{{number}}", folder.substring(0, 2))
                .replace("{{id}}", runnerId(folder))).collect(Collectors.joining());
        String env = modules.stream().map(folder -> "          " + runnerId(folder).toUpperCase() + "_RESULTS: \"${{ steps."
                + runnerId(folder) + ".outputs.result }}\"\n").collect(Collectors.joining());
        String runners = modules.stream().map(ClassroomWorkflow::runnerId).collect(Collectors.joining(","));
        return template.substring(0, begin) + steps + template.substring(end + "      # {{end step}}\n".length())
                .replace("          # {{env}}\n", env).replace("{{runners}}", runners);
    }
}
