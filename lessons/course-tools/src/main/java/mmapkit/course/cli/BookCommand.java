package mmapkit.course.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Builds the book through the Maven wrapper and says where the HTML and the PDF are. */
@Command(name = "book", mixinStandardHelpOptions = true, description = "Build the book (HTML and PDF, with outputs captured from real runs) and print where it is.")
final class BookCommand implements Callable<Integer> {

    private static final long BUILD_TIMEOUT_MINUTES = 20;

    @ParentCommand
    CourseCli cli;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = cli.spec.commandLine().getOut();
        Path root = cli.root();
        if (!Files.exists(root.resolve("book/pom.xml"))) {
            // a student export: the book comes built, or not at all
            Path html = root.resolve("book/index.html");
            out.println(Files.exists(html) ? "The book is built: " + root.relativize(html) + " and book/index.pdf"
                    : "This copy of the kit has no book: your instructor hands it out.");
            return 0;
        }
        out.println("Building the book (./mvnw -q -pl book -am package -DskipTests); the first build downloads its tools ...");
        out.flush();
        Process build = new ProcessBuilder(List.of(root.resolve("mvnw").toString(), "-q", "-pl", "book", "-am", "package", "-DskipTests"))
                .directory(root.toFile()).inheritIO().start();
        if (!build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            out.println("the book build took more than " + BUILD_TIMEOUT_MINUTES + " minutes and was stopped");
            return 1;
        }
        if (build.exitValue() != 0) {
            out.println("the book build failed (exit status " + build.exitValue() + "); its messages are above");
            return 1;
        }
        Path docs = root.resolve("book/target/generated-docs");
        for (String name : List.of("index.html", "index.pdf")) {
            Path file = docs.resolve(name);
            out.println((Files.exists(file) ? "  " : "  missing: ") + root.relativize(file));
        }
        return 0;
    }
}
