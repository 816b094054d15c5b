package mmapkit.faults.natives;

/**
 * ioctl request numbers as the kernel's {@code _IOR}, {@code _IOW} and {@code _IOWR} macros build
 * them ({@code include/uapi/asm-generic/ioctl.h}, which x86-64 and arm64 both use): 2 bits of
 * direction, 14 bits of argument size, 8 bits of type, 8 bits of number.
 *
 * <pre>
 *   31 30 | 29 .......... 16 | 15 ..... 8 | 7 ...... 0
 *   dir   | size of the arg  | type       | number
 * </pre>
 * Direction is seen from user space: "read" means the kernel writes the argument back.
 */
public final class IoctlNumbers {

    private static final long WRITE = 1;
    private static final long READ = 2;
    private static final long SIZE_LIMIT = 1L << 14;

    private IoctlNumbers() {
    }

    /** {@code _IOWR(type, number, size)}: the kernel reads the argument and writes it back. */
    public static long readWrite(int type, int number, long size) {
        return encode(READ | WRITE, type, number, size);
    }

    /** {@code _IOR(type, number, size)}. */
    public static long read(int type, int number, long size) {
        return encode(READ, type, number, size);
    }

    /** {@code _IOW(type, number, size)}. */
    public static long write(int type, int number, long size) {
        return encode(WRITE, type, number, size);
    }

    private static long encode(long direction, int type, int number, long size) {
        if (type < 0 || type > 0xFF || number < 0 || number > 0xFF) {
            throw new IllegalArgumentException("type 0x" + Integer.toHexString(type) + " and number 0x"
                    + Integer.toHexString(number) + " must each fit in 8 bits");
        }
        if (size < 0 || size >= SIZE_LIMIT) {
            throw new IllegalArgumentException("size " + size + " must fit in 14 bits (below " + SIZE_LIMIT + ")");
        }
        return (direction << 30) | (size << 16) | ((long) type << 8) | number;
    }
}
