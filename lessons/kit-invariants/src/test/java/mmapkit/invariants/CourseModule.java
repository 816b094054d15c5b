package mmapkit.invariants;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One module of the course, such as {@code 01-mapping}, named by its folder under {@code lessons/}.
 *
 * <p>{@link #PACKAGES_IN_ORDER} is the one list that orders the modules: module NN owns the
 * NN-th package, and may use the packages before it, never those after it. A new module needs
 * only its package here; every check derives the rest from it.
 */
record CourseModule(String folder) {

    /** The toolkit package of module 01, 02, ... in course order. */
    static final List<String> PACKAGES_IN_ORDER = List.of(
            "mmapkit.mapping",
            "mmapkit.faults",
            "mmapkit.dirty",
            "mmapkit.sync",
            "mmapkit.ipc",
            "mmapkit.device");

    /** A module folder: two digits, a dash, a lower-case name ({@code 02-lazy-faulting}). */
    static final Pattern FOLDER = Pattern.compile("(\\d{2})-[a-z0-9]+(-[a-z0-9]+)*");

    CourseModule {
        if (!FOLDER.matcher(folder).matches()) {
            throw new IllegalArgumentException("module folder '" + folder + "' is not NN-name (such as 01-mapping)");
        }
    }

    /** The two-digit number that starts every task id of the module ({@code "01"}). */
    String number() {
        return folder.substring(0, 2);
    }

    /** The package that holds the module's toolkit code, such as {@code mmapkit.mapping}. */
    String toolkitPackage() {
        int index = Integer.parseInt(number()) - 1;
        if (index < 0 || index >= PACKAGES_IN_ORDER.size()) {
            throw new AssertionError("module " + folder + " has no package in CourseModule.PACKAGES_IN_ORDER "
                    + PACKAGES_IN_ORDER + ": add its package as entry number " + number() + " of that list");
        }
        return PACKAGES_IN_ORDER.get(index);
    }

    /** Its own package and those of the modules before it: all that its code may use of the kit. */
    List<String> usablePackages() {
        return PACKAGES_IN_ORDER.subList(0, PACKAGES_IN_ORDER.indexOf(toolkitPackage()) + 1);
    }

    @Override
    public String toString() {
        return folder;
    }
}
