package mmapkit.faults.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_LOCKED;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.Access;
import mmapkit.faults.LockMode;
import mmapkit.faults.MemlockLimit;
import mmapkit.faults.PageControl;
import mmapkit.faults.PageLock;
import mmapkit.faults.Residency;
import mmapkit.faults.ResidencyPicture;
import mmapkit.faults.natives.AdviceCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.MemorySegment;

/**
 * Experiment: locking pages in RAM. VmLck and residency (mincore) of 16 untouched pages of private
 * anonymous memory before and after mlock; mlock2(MLOCK_ONFAULT) with 3 of 16 pages touched; a
 * mapping made with MAP_LOCKED; and this process's RLIMIT_MEMLOCK, and whether it applies.
 */
public final class LockingPages {

    private static final int PAGES = 16;

    private LockingPages() {
    }

    public static void main(String[] args) {
        long page = Pages.size();
        MemlockLimit limit = MemlockLimit.current();
        System.out.printf("Page size %d bytes. This process: %s.%n", page, limit);
        System.out.println(limit.applies()
                ? "The limit applies here: locking more than the soft limit fails with ENOMEM."
                : limit.capIpcLock() ? "CAP_IPC_LOCK is effective here (root): the limit does not apply."
                : "The soft limit is unlimited here.");
        System.out.println("Pictures: one character per page, 'O' resident, ' ' not;"
                + " VmLck counted from before the first step.");

        System.out.println();
        System.out.println("== mlock: 16 untouched pages of private anonymous memory ==");
        try (RawMapping memory = RawMapping.anonymous(PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            noLargeFolios(memory);
            long before = PageControl.lockedBytes();
            show("before", segment, before);
            // tag::lock-now[]
            try (PageLock lock = PageControl.lock(segment, 0, PAGES, LockMode.NOW)) {
                show("locked " + lock.mode(), segment, before);
            }
            // end::lock-now[]
            show("unlocked", segment, before);
        }

        System.out.println();
        System.out.println("== mlock2(MLOCK_ONFAULT): 16 pages locked, pages 2, 7 and 11 written ==");
        try (RawMapping memory = RawMapping.anonymous(PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            noLargeFolios(memory);
            long before = PageControl.lockedBytes();
            // tag::lock-on-fault[]
            try (PageLock lock = PageControl.lock(segment, 0, PAGES, LockMode.ON_FAULT)) {
                show("locked " + lock.mode(), segment, before);
                PageControl.touchPages(segment, Access.WRITE, 2, 7, 11);
                show("touched", segment, before);
            }
            // end::lock-on-fault[]
        }

        System.out.println();
        System.out.println("== mmap with MAP_LOCKED: 16 pages ==");
        long before = PageControl.lockedBytes();
        try (RawMapping memory = RawMapping.anonymous(PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_LOCKED)) {
            show("mapped", memory.segment(), before);
        } catch (NativeCallException e) {
            System.out.println("mmap refused it: " + e.getMessage());
        }
        show("unmapped", null, before);

        System.out.println();
        System.out.println("== mlock of the soft limit plus one page ==");
        overTheLimit(limit);

        System.out.println();
        System.out.println("mlock faults the whole range in before it returns; MLOCK_ONFAULT locks each page"
                + " at its first");
        System.out.println("touch, yet VmLck and the limit count the whole range at once. MAP_LOCKED is mmap"
                + " plus mlock,");
        System.out.println("except that mmap does not report pages it could not fault in. Unmapping unlocks.");
    }

    private static void overTheLimit(MemlockLimit limit) {
        if (limit.soft() < 0 || limit.soft() > (1L << 30)) {
            System.out.println("skipped: the soft limit is " + MemlockLimit.describe(limit.soft()));
            return;
        }
        long pages = limit.soft() / Pages.size() + 1;
        try (RawMapping memory = RawMapping.anonymous(pages * Pages.size(), PROT_READ | PROT_WRITE, MAP_PRIVATE);
             PageLock lock = PageControl.lock(memory.segment(), 0, pages, LockMode.NOW)) {
            System.out.println("granted: " + lock.pages() + " pages locked; the limit does not apply to this process");
        } catch (NativeCallException e) {
            System.out.println("refused: " + e.errnoName() + " (" + e.meaning() + ")");
            System.out.println("  " + e.call());
        }
    }

    /** Keeps each first store to one page (no transparent huge page, no large folio). */
    private static void noLargeFolios(RawMapping memory) {
        AdviceCalls.madvise(memory.address(), memory.length(), AdviceCalls.MADV_NOHUGEPAGE);
    }

    private static void show(String step, MemorySegment segment, long lockedBefore) {
        long locked = PageControl.lockedBytes() - lockedBefore;
        String picture = segment == null ? "" : "  " + ResidencyPicture.render(Residency.of(segment), PAGES)
                + " resident";
        System.out.printf("%-17s VmLck %+4d pages%s%n", step + ":", locked / Pages.size(), picture);
    }
}
