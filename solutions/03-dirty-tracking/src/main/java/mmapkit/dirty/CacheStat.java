package mmapkit.dirty;

/**
 * What {@code cachestat(2)} counts for a byte range of a file, in pages.
 *
 * @param cached          pages of the range in the page cache
 * @param dirty           cached pages changed and not yet written back
 * @param writeback       pages being written back right now
 * @param evicted         pages that were in the cache once and have been evicted
 * @param recentlyEvicted evicted pages that would still be cached if memory had been a little larger
 *                        (the kernel's working-set estimate)
 */
public record CacheStat(long cached, long dirty, long writeback, long evicted, long recentlyEvicted) {
}
