package mmapkit.invariants.fuzz;

import mmapkit.dirty.natives.CachestatCall;
import mmapkit.device.natives.MemfdCalls;
import mmapkit.faults.natives.AdviceCalls;
import mmapkit.faults.natives.ResidencyCalls;
import mmapkit.ipc.natives.FutexCalls;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.PosixFiles;
import mmapkit.sync.natives.SyncCalls;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The raw bindings of the natives packages, which take an address or a descriptor on trust as C
 * does, called by the fuzz with memory and descriptors of its own: a two-page anonymous mapping
 * that {@link FuzzValues} makes for each call, and descriptors of the call's own files. Every
 * other argument (lengths, offsets, vectors, flags, names, timeouts) is the fuzz's. Where a raw
 * call could reach past the fuzz's own memory into the JVM's (madvise over a long range), the
 * range is kept inside the mapping: that a range is the caller's is the one precondition a raw
 * binding cannot check.
 */
public final class OwnMemoryCalls {

    /** The values of the call now running (the fuzz runs one call at a time). */
    static FuzzValues current;

    private OwnMemoryCalls() {
    }

    public static void mincore(long offset, long length, MemorySegment vector) {
        ResidencyCalls.mincore(own().address() + offset, length, vector);
    }

    /**
     * madvise inside the fuzz's own mapping. Advice from 100 up (MADV_HWPOISON, MADV_SOFT_OFFLINE) is
     * replaced by -1: with privileges it takes a physical page out of service until the next boot.
     */
    public static void madvise(long offset, long length, int advice) {
        long size = own().length();
        long start = Math.floorMod(offset, size + 1);
        AdviceCalls.madvise(own().address() + start, Math.floorMod(length, size - start + 1), advice >= 100 ? -1 : advice);
    }

    public static void msync(long offset, long length, int flags) {
        SyncCalls.msync(own().address() + offset, length, flags);
    }

    public static void futexWait(long offset, int expected, long timeoutNanos) {
        FutexCalls.futexWait(own().address() + offset, expected, Math.min(timeoutNanos, 20_000_000L));
    }

    public static int futexWake(long offset, int count) {
        return FutexCalls.futexWake(own().address() + offset, count);
    }

    public static void posixFadvise(Path file, long offset, long length, int advice) {
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            AdviceCalls.posixFadvise(fd, offset, length, advice);
        } finally {
            PosixFiles.close(fd);
        }
    }

    public static void cachestat(Path file, long offset, long length, MemorySegment counts) {
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            CachestatCall.cachestat(fd, offset, length, counts);
        } finally {
            PosixFiles.close(fd);
        }
    }

    public static void openAndClose(Path file, int flags, int mode) {
        PosixFiles.close(PosixFiles.open(file, flags & ~(PosixFiles.O_CREAT | PosixFiles.O_TRUNC), mode));
    }

    public static void ftruncateOwnCopy(long length) {
        int fd = PosixFiles.open(current.folder().resolve(FuzzValues.MAPPED_PREFIX + "shared.bin"), PosixFiles.O_RDWR, 0);
        try {
            PosixFiles.ftruncate(fd, length);
        } finally {
            PosixFiles.close(fd);
        }
    }

    public static void memfdCreate(String name, int flags) {
        PosixFiles.close(MemfdCalls.memfdCreate(name, flags));
    }

    public static int seals(int seals, boolean allowSealing) {
        int fd = MemfdCalls.memfdCreate("fuzz-seals", MemfdCalls.MFD_CLOEXEC
                | (allowSealing ? MemfdCalls.MFD_ALLOW_SEALING : 0));
        try {
            MemfdCalls.addSeals(fd, seals);
            return MemfdCalls.getSeals(fd);
        } finally {
            PosixFiles.close(fd);
        }
    }

    private static RawMapping own() {
        return current.own(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE);
    }
}
