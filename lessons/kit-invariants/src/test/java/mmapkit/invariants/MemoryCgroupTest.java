package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.faults.FaultProbes;
import mmapkit.faults.MemoryCgroup;
import mmapkit.faults.MemoryCgroup.MemoryStat;
import mmapkit.faults.MemoryCgroup.Version;
import mmapkit.mapping.Probe;
import mmapkit.mapping.proc.MountInfo;
import mmapkit.mapping.proc.OomScore;
import mmapkit.mapping.proc.ProcCgroup;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cgroup readers of the toolkit ({@link ProcCgroup}, {@link MountInfo}, {@link MemoryCgroup})
 * against sample files of both cgroup versions, and against the machine the build runs on.
 */
class MemoryCgroupTest {

    /** A hybrid layout: v1 controllers, the memory one among them, and a cgroup2 mount without it. */
    private static final String HYBRID_CGROUP = """
            9:name=systemd:/
            5:cpu,cpuacct:/
            4:memory:/process_api/a01
            0::/
            """;
    private static final String HYBRID_MOUNTS = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    private static final String UNIFIED_CGROUP = "0::/user.slice/user-1000.slice/session-2.scope\n";
    private static final String UNIFIED_MOUNTS = """
            22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
            26 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
            """;

    private static final String V2_STAT = """
            anon 1130496
            file 35651584
            kernel 811008
            shmem 0
            file_mapped 33554432
            file_dirty 33554432
            file_writeback 0
            anon_thp 0
            """;
    private static final String V1_STAT = """
            cache 7036928
            rss 1712128
            shmem 4096
            mapped_file 36864
            dirty 6889472
            writeback 0
            hierarchical_memory_limit 9223372036854771712
            total_cache 7040000
            total_rss 1712128
            total_shmem 8192
            total_mapped_file 36864
            total_dirty 6889472
            total_writeback 4096
            """;

    @Test
    void procCgroupLinesOfBothVersions() {
        List<ProcCgroup> hybrid = ProcCgroup.parseAll(HYBRID_CGROUP);
        assertThat(hybrid).hasSize(4);
        assertThat(ProcCgroup.v1(hybrid, "memory")).as("the v1 line naming the memory controller")
                .contains(new ProcCgroup(4, List.of("memory"), "/process_api/a01"));
        assertThat(ProcCgroup.v1(hybrid, "cpuacct").orElseThrow().controllers()).containsExactly("cpu", "cpuacct");
        assertThat(ProcCgroup.v2(hybrid).orElseThrow().path()).isEqualTo("/");
        List<ProcCgroup> unified = ProcCgroup.parseAll(UNIFIED_CGROUP);
        assertThat(ProcCgroup.v1(unified, "memory")).as("a v2-only machine has no v1 memory line").isEmpty();
        assertThat(ProcCgroup.v2(unified).orElseThrow().unified()).isTrue();
        assertThat(ProcCgroup.parse("0::/a:b").path()).as("everything after the second colon is the path")
                .isEqualTo("/a:b");
        assertThatThrownBy(() -> ProcCgroup.parse("memory")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'memory'").hasMessageContaining("ID:controllers:path");
        assertThatThrownBy(() -> ProcCgroup.parse("x:memory:/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x' is not a number");
    }

    @Test
    void mountinfoLinesWithOptionalFieldsAndEscapes() {
        MountInfo memory = MountInfo.parse("35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 master:2 - cgroup"
                + " cgroup rw,memory");
        assertThat(memory.type()).as("the type follows the '-' after any number of optional fields")
                .isEqualTo("cgroup");
        assertThat(memory.superOptions()).containsExactly("rw", "memory");
        assertThat(memory.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/memory"));
        MountInfo spaced = MountInfo.parse("40 22 8:1 /sub\\040dir /mnt/my\\040disk rw - ext4 /dev/sda1 rw");
        assertThat(spaced.root()).as("\\040 is a space").isEqualTo("/sub dir");
        assertThat(spaced.mountPoint()).isEqualTo(Path.of("/mnt/my disk"));
        assertThatThrownBy(() -> MountInfo.parse("35 31 0:32 / /x rw")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-'");
    }

    @Test
    void discoveryFindsV1MemoryInAHybridLayoutAndV2Otherwise() {
        MemoryCgroup.Discovery hybrid = MemoryCgroup.discover(HYBRID_CGROUP, HYBRID_MOUNTS);
        assertThat(hybrid.group()).as(hybrid.reason())
                .contains(new MemoryCgroup(Version.V1, Path.of("/sys/fs/cgroup/memory/process_api/a01")));
        MemoryCgroup.Discovery unified = MemoryCgroup.discover(UNIFIED_CGROUP, UNIFIED_MOUNTS);
        assertThat(unified.group()).as(unified.reason()).contains(new MemoryCgroup(Version.V2,
                Path.of("/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope")));
        // a container that sees only its own subtree, mounted with that subtree as its root
        MemoryCgroup.Discovery container = MemoryCgroup.discover("0::/kubepods/pod1/c1\n",
                "26 24 0:23 /kubepods/pod1/c1 /sys/fs/cgroup ro,relatime - cgroup2 cgroup2 rw\n");
        assertThat(container.group().orElseThrow().directory()).as("the path less the mount's root")
                .isEqualTo(Path.of("/sys/fs/cgroup"));
        MemoryCgroup.Discovery none = MemoryCgroup.discover("", UNIFIED_MOUNTS);
        assertThat(none.group()).isEmpty();
        assertThat(none.reason()).contains("no cgroups");
    }

    @Test
    void memoryStatOfBothVersionsUnderOneSetOfNames() {
        MemoryStat v2 = MemoryStat.parse(Version.V2, V2_STAT);
        assertThat(v2.file()).isEqualTo(35651584);
        assertThat(v2.dirty()).as("file_dirty").isEqualTo(33554432);
        assertThat(v2.mapped()).as("file_mapped").isEqualTo(33554432);
        assertThat(v2.anon()).isEqualTo(1130496);
        assertThat(v2.fieldNames()).contains("dirty=file_dirty", "file=file");
        MemoryStat v1 = MemoryStat.parse(Version.V1, V1_STAT);
        assertThat(v1.file()).as("v1 counts the subtree in total_cache, as v2 does in file").isEqualTo(7040000);
        assertThat(v1.writeback()).as("total_writeback").isEqualTo(4096);
        assertThat(v1.shmem()).as("total_shmem").isEqualTo(8192);
        assertThat(v1.anon()).as("total_rss").isEqualTo(1712128);
        MemoryStat local = MemoryStat.parse(Version.V1,
                "cache 1\nrss 2\nshmem 3\nmapped_file 4\ndirty 5\nwriteback 6\n");
        assertThat(local.dirty()).as("without total_ lines, the group's own").isEqualTo(5);
        assertThatThrownBy(() -> MemoryStat.parse(Version.V2, V1_STAT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no file line");
        assertThatThrownBy(() -> MemoryStat.parse(Version.V2, "file x\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'file x'");
        assertThatThrownBy(() -> v2.fieldName("cache")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cache'");
    }

    @Test
    void theProbeAgreesWithProcSelfCgroup() throws Exception {
        Probe<String> probe = FaultProbes.memoryCgroup();
        MemoryCgroup.Discovery found = MemoryCgroup.current();
        assertThat(probe.value()).isIn("v1", "v2", "none");
        if (probe.value().equals("none")) {
            return;
        }
        MemoryCgroup group = found.group().orElseThrow();
        assertThat(group.processes()).as("%s lists this process in cgroup.procs", group.directory())
                .contains(ProcessHandle.current().pid());
        assumeTrue(Files.exists(group.directory().resolve("memory.stat")),
                group.directory() + " has no memory.stat: the root group of cgroup v2 keeps none");
        assertThat(group.stat().file()).isNotNegative();
        assertThat(group.usage()).isPositive();
        assertThat(OomScore.current().score()).isBetween(0, 2000);
    }

    @Test
    void aLimitedChildGroupIsMadeAndRemoved() {
        Probe<Boolean> probe = FaultProbes.limitedChildCgroup();
        assumeTrue(probe.holds(), probe.reason());
        MemoryCgroup group = MemoryCgroup.current().group().orElseThrow();
        assertThatThrownBy(() -> group.createChild("../escape", 64L << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../escape'");
        assertThatThrownBy(() -> group.createChild("tiny", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limitBytes 1");
        Path folder;
        try (MemoryCgroup.LimitedGroup child = group.createChild("mmapkit-test-" + ProcessHandle.current().pid(),
                96L << 20)) {
            folder = child.group().directory();
            assertThat(child.group().limit()).isEqualTo(96L << 20);
            assertThat(child.group().processes()).as("nothing is moved into a new group").isEmpty();
            assertThat(child.group().oomKills()).isZero();
        }
        assertThat(Files.exists(folder)).as("closing removes %s", folder).isFalse();
    }
}
