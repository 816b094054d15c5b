/**
 * Special mappings: memory that is not a regular file on disk. {@code /dev/zero} mapped private and
 * shared, anonymous shared memory, memfd files with seals, POSIX shared memory under
 * {@code /dev/shm}, and huge pages (transparent ones asked for with {@code madvise}, and the
 * hugetlb pool), each verified through what the kernel shows in {@code /proc}.
 */
package mmapkit.device.special;
