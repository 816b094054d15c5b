package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.faults.natives.AdviceCalls;
import mmapkit.faults.natives.ResourceLimitCalls;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import mmapkit.mapping.proc.SystemMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "02.4", points = 15, title = "Advise, populate, lock and reserve memory")
class AdviseAndPopulateTest {

    private static final long PAGE = DiskFiles.PAGE;

    private final DiskFiles files = DiskFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void randomAdviceStopsTheReadaheadThatNormalAdviceDoes() throws Exception {
        Path file = files.file("readahead.bin", 256);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.advise(mapping.segment(), Advice.NORMAL);
            PageControl.touchPages(mapping.segment(), Access.READ, 0);
            assertThat(Residency.of(mapping.segment()).residentCount())
                    .as("MADV_NORMAL: the fault on page 0 of an evicted file reads ahead (many pages, here %s)",
                            Residency.of(mapping.segment())).isGreaterThan(1);
        }
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.advise(mapping.segment(), Advice.RANDOM);
            PageControl.touchPages(mapping.segment(), Access.READ, 0, 100);
            assertThat(Residency.of(mapping.segment()).residentRuns())
                    .as("MADV_RANDOM: each fault reads its own page only")
                    .containsExactly(new PageRun(0, 1), new PageRun(100, 1));
        }
    }

    @Test
    void willNeedReadsTheFileInWithoutAFault() throws Exception {
        Path file = files.file("willneed.bin", 32);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            PageControl.advise(segment, Advice.WILLNEED);
            // WILLNEED only starts the reads: wait (bounded) until they are done
            for (int tries = 0; tries < 1000 && Residency.of(segment).residentCount() < 32; tries++) {
                Thread.sleep(10);
            }
            assertThat(Residency.of(segment).residentCount())
                    .as("MADV_WILLNEED reads the range into the page cache, asynchronously").isEqualTo(32);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(faults.major()).as("the pages were read ahead: touching them waits for no disk").isZero();
        }
    }

    @Test
    void dontNeedDropsPageTableEntriesAndWhatIsLostDependsOnTheMapping() throws Exception {
        try (RawMapping memory = RawMapping.anonymous(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            segment.set(ValueLayout.JAVA_LONG, PAGE, 42);
            PageControl.advise(segment, Advice.DONTNEED);
            assertThat(Residency.of(segment).residentCount()).as("MADV_DONTNEED frees private anonymous pages at once")
                    .isZero();
            assertThat(segment.get(ValueLayout.JAVA_LONG, PAGE)).as("and they read zero afterwards").isZero();
        }
        Path file = files.file("dontneed.bin", 4);
        byte original = Files.readAllBytes(file)[(int) PAGE];
        try (MappedFile copy = MappedFile.map(file, MapMode.PRIVATE); MappedFile shared = MappedFile.map(file, MapMode.SHARED)) {
            copy.segment().set(ValueLayout.JAVA_BYTE, PAGE, (byte) (original + 1));
            shared.segment().set(ValueLayout.JAVA_BYTE, 2 * PAGE, (byte) 7);
            PageControl.advise(copy.segment(), Advice.DONTNEED);
            PageControl.advise(shared.segment(), Advice.DONTNEED);
            assertThat(copy.segment().get(ValueLayout.JAVA_BYTE, PAGE))
                    .as("a private file mapping loses its copy: it reads the file again").isEqualTo(original);
            assertThat(shared.segment().get(ValueLayout.JAVA_BYTE, 2 * PAGE))
                    .as("a shared mapping keeps its data: it is in the page cache").isEqualTo((byte) 7);
        }
    }

    @Test
    void mapPopulateReadsAndMapsEveryPageInAdvance() throws Exception {
        Path file = files.file("populate.bin", 64);
        PageControl.evict(file);
        try (RawMapping mapping = PageControl.mapPopulated(file)) {
            MemorySegment segment = mapping.segment();
            assertThat(mapping.flags() & mmapkit.mapping.natives.MemoryMapCalls.MAP_POPULATE)
                    .as("mapped with MAP_POPULATE").isNotZero();
            assertThat(Residency.of(segment).residentCount()).as("MAP_POPULATE read the evicted file in during mmap")
                    .isEqualTo(64);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(faults.total()).as("and mapped every page: touching them costs no fault").isLessThan(Kernel.NOISE);
        }
    }

    @Test
    void populateReadBeyondTheEndOfTheFileFailsWithAClearException() throws Exception {
        assumeTrue(FaultProbes.populateAdvice().holds(), FaultProbes.populateAdvice().reason());
        Path file = files.file("one-page.bin", 1);
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try (RawMapping mapping = RawMapping.map(2 * PAGE, PROT_READ, MAP_SHARED, fd, 0)) {
            // page 1 is beyond the end of the file: a touch there would raise SIGBUS. Do not touch it.
            assertThat(catchThrowable(() -> PageControl.populate(mapping.segment(), Access.READ)))
                    .as("2 pages mapped over a 1-page file: MADV_POPULATE_READ answers EFAULT where a touch would raise"
                            + " SIGBUS; report it as an exception that names the range and the failing page")
                    .isInstanceOfSatisfying(PopulateException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EFAULT");
                        assertThat(e.firstFailingPage()).as("page 0 is the file's, page 1 is beyond it").isEqualTo(1);
                        assertThat(e.length()).isEqualTo(2 * PAGE);
                        assertThat(e.getMessage()).contains("MADV_POPULATE_READ").contains("EFAULT").contains("page 1")
                                .contains("SIGBUS").contains("0x" + Long.toHexString(mapping.address()));
                    });
            assertThat(Residency.of(mapping.segment()).isResident(0)).as("page 0 was populated before the failure")
                    .isTrue();
        } finally {
            PosixFiles.close(fd);
        }
    }

    @Test
    void populateWriteBreaksCopyOnWriteInAdvanceAndNeedsAWritableMapping() throws Exception {
        assumeTrue(FaultProbes.populateAdvice().holds(), FaultProbes.populateAdvice().reason());
        Path file = files.file("cow.bin", 32);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            PageControl.populate(mapping.segment(), Access.WRITE);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(mapping.segment(), Access.WRITE));
            assertThat(faults.total()).as("MADV_POPULATE_WRITE made the private copies: the stores cost no fault")
                    .isLessThan(Kernel.NOISE);
        }
        try (MappedFile readOnly = MappedFile.map(file, MapMode.READ_ONLY)) {
            assertThat(catchThrowable(() -> PageControl.populate(readOnly.segment(), Access.WRITE)))
                    .as("MADV_POPULATE_WRITE on a read-only mapping: EINVAL, reported with the reason")
                    .isInstanceOfSatisfying(PopulateException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).contains("MADV_POPULATE_WRITE");
                    });
        }
    }

    @Test
    void badInputIsRefusedNamingTheRule() throws Exception {
        Path file = files.file("bad.bin", 4);
        MappedFile closed = MappedFile.map(file, MapMode.READ_ONLY);
        MemorySegment stale = closed.segment();
        try (closed) {
            assertThat(catchThrowable(() -> PageControl.advise(stale.asSlice(PAGE / 2), Advice.RANDOM)))
                    .as("madvise needs a page-aligned start").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PageControl.populate(stale.asSlice(8), Access.READ))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(catchThrowable(() -> PageControl.advise(stale, Advice.DONTNEED)))
                .as("DONTNEED on a range that is no longer ours could wipe someone else's memory: refuse")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> PageControl.populate(stale, Access.READ)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        Path empty = Files.createFile(files.dir().resolve("empty.bin"));
        assertThatThrownBy(() -> PageControl.mapPopulated(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThat(Advice.RANDOM.value()).isEqualTo(1);
        assertThat(Advice.DONTNEED.cName()).isEqualTo("MADV_DONTNEED");
    }

    @Test
    void dontNeedTakesOnlyWholePages() {
        try (RawMapping memory = RawMapping.anonymous(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment whole = memory.segment();
            long past = PAGE / 2;
            whole.set(ValueLayout.JAVA_BYTE, past, (byte) 42);
            MemorySegment part = whole.asSlice(0, 100);
            assertThat(catchThrowable(() -> PageControl.advise(part, Advice.DONTNEED)))
                    .as("DONTNEED on a segment of 100 bytes would drop its whole page, the bytes past the segment too"
                            + " (on the native heap: someone else's): refuse it, naming the size and the rule")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("100", "page");
            assertThat(whole.get(ValueLayout.JAVA_BYTE, past)).as("the byte past the segment is kept").isEqualTo((byte) 42);
        }
    }

    @Test
    void lockingPagesNowMakesThemResidentAndCountsThemInVmLck() {
        assumeMayLock(4);
        try (RawMapping memory = RawMapping.anonymous(16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            // no huge or large folios here: each page faulted in by mlock is one page
            AdviceCalls.madvise(memory.address(), memory.length(), AdviceCalls.MADV_NOHUGEPAGE);
            long before = PageControl.lockedBytes();
            PageLock lock = PageControl.lock(segment, 4, 4, LockMode.NOW);
            try {
                assertThat(lock.pages()).isEqualTo(4);
                assertThat(lock.address()).isEqualTo(memory.address() + 4 * PAGE);
                assertThat(Residency.of(segment).residentRuns())
                        .as("mlock faults the 4 untouched pages in before it returns, and only those")
                        .containsExactly(new PageRun(4, 4));
                assertThat(PageControl.lockedBytes() - before).as("VmLck grows by exactly the 4 pages locked")
                        .isEqualTo(4 * PAGE);
                lock.close();
                assertThat(lock.isLocked()).isFalse();
                assertThat(PageControl.lockedBytes()).as("closing the lock (munlock) gives VmLck back")
                        .isEqualTo(before);
            } finally {
                lock.close(); // a second close does nothing
            }
        }
    }

    @Test
    void lockingOnFaultLocksTheRangeButFaultsInOnlyWhatIsTouched() {
        assumeMayLock(16);
        try (RawMapping memory = RawMapping.anonymous(16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            // no huge or large folios here: each first store maps exactly one page
            AdviceCalls.madvise(memory.address(), memory.length(), AdviceCalls.MADV_NOHUGEPAGE);
            long before = PageControl.lockedBytes();
            try (PageLock lock = PageControl.lock(segment, 0, 16, LockMode.ON_FAULT)) {
                assertThat(lock.mode()).isEqualTo(LockMode.ON_FAULT);
                assertThat(Residency.of(segment).residentCount())
                        .as("mlock2(MLOCK_ONFAULT) faults nothing in by itself").isZero();
                PageControl.touchPages(segment, Access.WRITE, 1, 5, 9);
                assertThat(Residency.of(segment).residentRuns()).as("the 3 pages touched are in RAM, locked")
                        .containsExactly(new PageRun(1, 1), new PageRun(5, 1), new PageRun(9, 1));
                assertThat(PageControl.lockedBytes() - before)
                        .as("VmLck counts the locked range, all 16 pages, touched or not (and so does the limit)")
                        .isEqualTo(16 * PAGE);
            }
            assertThat(PageControl.lockedBytes()).isEqualTo(before);
        }
    }

    @Test
    void lockRefusesRangesThatAreNotWholePagesOfTheSegment() {
        try (RawMapping memory = RawMapping.anonymous(16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            long before = PageControl.lockedBytes();
            assertThat(catchThrowable(() -> PageControl.lock(segment.asSlice(PAGE / 2), 0, 1, LockMode.NOW)))
                    .as("a segment that does not start on a page boundary").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("segment");
            assertThat(catchThrowable(() -> PageControl.lock(segment, 14, 4, LockMode.NOW)))
                    .as("pages 14..17 of a 16-page segment: name the range's arguments and the segment's pages")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("firstPage", "14", "16");
            assertThat(catchThrowable(() -> PageControl.lock(segment, -1, 2, LockMode.NOW)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstPage");
            assertThat(catchThrowable(() -> PageControl.lock(segment, 0, -2, LockMode.NOW)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageCount");
            MemorySegment partial = segment.asSlice(0, 2 * PAGE + PAGE / 2);
            assertThat(catchThrowable(() -> PageControl.lock(partial, 0, 3, LockMode.NOW)))
                    .as("a segment of 2.5 pages: its third page holds bytes past the segment; lock whole pages only")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageCount");
            assertThat(PageControl.lockedBytes()).as("nothing was locked by the refused calls").isEqualTo(before);
        }
    }

    @Test
    void lockingPastTheSoftLimitFailsWithEnomemNamingTheLimit() {
        var probe = FaultProbes.memlockLimit();
        assumeTrue(probe.holds(), "RLIMIT_MEMLOCK does not apply to this process: " + probe.reason());
        ResourceLimitCalls.Limit saved = ResourceLimitCalls.get(ResourceLimitCalls.RLIMIT_MEMLOCK);
        long soft = PageControl.lockedBytes() + 4 * PAGE;
        assumeTrue(Long.compareUnsigned(soft, saved.soft()) <= 0, "the soft limit " + saved.softText()
                + " is too small already to lower it to 4 pages above VmLck");
        try (RawMapping memory = RawMapping.anonymous(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            // lowering the soft limit is always allowed: 4 pages more than what is locked now
            ResourceLimitCalls.set(ResourceLimitCalls.RLIMIT_MEMLOCK, new ResourceLimitCalls.Limit(soft, saved.hard()));
            try {
                assertThat(catchThrowable(() -> PageControl.lock(memory.segment(), 0, 8, LockMode.NOW)))
                        .as("8 pages over a soft limit 4 pages above VmLck, without CAP_IPC_LOCK: ENOMEM, reported"
                                + " with the limit so that the reader knows what to raise")
                        .isInstanceOfSatisfying(NativeCallException.class, e -> {
                            assertThat(e.errnoName()).isEqualTo("ENOMEM");
                            assertThat(e.getMessage()).contains("RLIMIT_MEMLOCK");
                        });
                try (PageLock lock = PageControl.lock(memory.segment(), 0, 4, LockMode.NOW)) {
                    assertThat(lock.pages()).as("4 pages fit under the limit").isEqualTo(4);
                }
            } finally {
                ResourceLimitCalls.set(ResourceLimitCalls.RLIMIT_MEMLOCK, saved);
            }
        }
    }

    @Test
    void overcommitRulesDecideByModeSizeAndNoReserve() {
        long gib = 1L << 30;
        SystemMemory memory = new SystemMemory(8 * gib, 2 * gib, 6 * gib, 5 * gib);
        OvercommitPolicy heuristic = new OvercommitPolicy(0, 50, 0);
        OvercommitPolicy always = new OvercommitPolicy(1, 50, 0);
        OvercommitPolicy strict = new OvercommitPolicy(2, 50, 0);
        assertThat(Overcommit.ruleFor(heuristic, memory, 9 * gib, false)).as("mode 0, 9 GiB <= RAM + swap (10 GiB)")
                .isEqualTo(OvercommitRule.HEURISTIC_FITS);
        assertThat(Overcommit.ruleFor(heuristic, memory, 11 * gib, false)).as("mode 0, 11 GiB > RAM + swap")
                .isEqualTo(OvercommitRule.HEURISTIC_TOO_LARGE);
        assertThat(Overcommit.ruleFor(heuristic, memory, 1024 * gib, true)).as("mode 0 with MAP_NORESERVE, 1 TiB")
                .isEqualTo(OvercommitRule.NORESERVE_NOT_CHARGED);
        assertThat(Overcommit.ruleFor(always, memory, 1024 * gib, false)).as("mode 1 grants anything")
                .isEqualTo(OvercommitRule.ALWAYS_GRANTED);
        assertThat(Overcommit.ruleFor(strict, memory, gib / 2, false)).as("mode 2: 5 GiB + 0.5 GiB <= 6 GiB")
                .isEqualTo(OvercommitRule.STRICT_WITHIN_LIMIT);
        assertThat(Overcommit.ruleFor(strict, memory, 2 * gib, false)).as("mode 2: 5 GiB + 2 GiB > 6 GiB")
                .isEqualTo(OvercommitRule.STRICT_OVER_LIMIT);
        assertThat(Overcommit.ruleFor(strict, memory, 2 * gib, true)).as("mode 2 ignores MAP_NORESERVE")
                .isEqualTo(OvercommitRule.STRICT_OVER_LIMIT);
        assertThat(OvercommitRule.STRICT_OVER_LIMIT.grants()).isFalse();
        assertThat(catchThrowable(() -> Overcommit.ruleFor(heuristic, memory, 0, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
    }

    @Test
    void aReservationLargerThanRamAndSwapFollowsTheModeOfThisKernel() {
        for (int resource : new int[] {ResourceLimitCalls.RLIMIT_AS, ResourceLimitCalls.RLIMIT_DATA}) {
            assumeTrue(ResourceLimitCalls.get(resource).soft() == ResourceLimitCalls.UNLIMITED,
                    ResourceLimitCalls.resourceName(resource) + " is limited here: it would refuse the mapping first");
        }
        OvercommitPolicy policy = OvercommitPolicy.current();
        SystemMemory memory = SystemMemory.current();
        long huge = roundUpToPages(2 * Math.max(memory.ramPlusSwap(), memory.commitLimit()));
        for (boolean noReserve : new boolean[] {false, true}) {
            boolean expected = switch (policy.mode()) {
                case OvercommitPolicy.HEURISTIC -> noReserve; // too large for mode 0, unless not charged
                case OvercommitPolicy.ALWAYS -> true;
                default -> false; // past CommitLimit in mode 2, MAP_NORESERVE or not
            };
            Reservation reservation = Overcommit.tryReserve(huge, noReserve);
            assertThat(reservation.granted())
                    .as("mode %s, %d bytes (twice RAM + swap or CommitLimit)%s: %s", policy.modeName(), huge,
                            noReserve ? " with MAP_NORESERVE" : "", reservation).isEqualTo(expected);
            assertThat(reservation.rule().grants()).as("the rule named explains the outcome: %s", reservation)
                    .isEqualTo(expected);
            assertThat(reservation.asPredicted()).isTrue();
            assertThat(reservation.bytes()).isEqualTo(huge);
            assertThat(reservation.noReserve()).isEqualTo(noReserve);
            assertThat(reservation.errnoName()).isEqualTo(expected ? "" : "ENOMEM");
        }
        assumeFalse(policy.mode() == OvercommitPolicy.STRICT
                && memory.commitLimit() - memory.committedAs() < (1L << 30), "mode 2 with less than 1 GiB to commit");
        Reservation small = Overcommit.tryReserve(16 * PAGE, false);
        assertThat(small.granted()).as("16 pages are granted in every mode here: %s", small).isTrue();
        assertThatThrownBy(() -> Overcommit.tryReserve(PAGE + 1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes");
    }

    private static long roundUpToPages(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }

    /** Skips when this process may not lock {@code pages} more pages (a small RLIMIT_MEMLOCK, no CAP_IPC_LOCK). */
    private static void assumeMayLock(long pages) {
        MemlockLimit limit = MemlockLimit.current();
        assumeTrue(!limit.applies() || PageControl.lockedBytes() + pages * PAGE <= limit.soft(),
                "cannot lock " + pages + " pages here: " + limit + ", " + PageControl.lockedBytes() + " bytes locked");
    }
}
