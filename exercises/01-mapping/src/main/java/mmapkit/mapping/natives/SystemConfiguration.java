package mmapkit.mapping.natives;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code sysconf(3)}: the system's configuration values this kit needs (the page size). */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class SystemConfiguration {

    /** {@code _SC_PAGESIZE} in glibc's {@code <bits/confname.h>}. */
    public static final int SC_PAGESIZE = 30;

    // tag::sysconf[]
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCONF = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("sysconf"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    /** The size of a page in bytes, as the kernel maps them: {@code sysconf(_SC_PAGESIZE)}. */
    public static long pageSize() {
        long size;
        try {
            size = (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", t);
        }
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) returned " + size + ", not a power of two");
        }
        return size;
    }
    // end::sysconf[]

    private SystemConfiguration() {
    }
}
