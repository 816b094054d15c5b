/**
 * Module 06, device mapping: mappings of things that are not regular files ({@code /dev/zero},
 * anonymous shared memory, memfd with seals, POSIX shared memory, huge pages) and a simulated
 * memory-mapped device driven through a register block and a command ring.
 */
package mmapkit.device;
