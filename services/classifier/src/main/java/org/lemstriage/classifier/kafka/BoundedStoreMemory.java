package org.lemstriage.classifier.kafka;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One bounded budget of native memory for all of this instance's RocksDB stores (two stores per partition), as Kafka
 * Streams' memory-management guide does it: a shared block cache that also accounts for the write buffers. By default
 * each store has its own 50 MiB cache and up to three 16 MiB write buffers, all outside the JVM's heap: the
 * classifier's RSS under load was 392 MiB with 128 MiB of heap. Per-patient state is small (a few KiB per
 * patient), so reads rarely leave the cache even at this size.
 */
public class BoundedStoreMemory implements RocksDBConfigSetter {
    /** Block cache, index and filter blocks and write buffers together. */
    static final long TOTAL_BYTES = 16L * 1024 * 1024;
    /** Of that, the write buffers (memtables) of every store together. */
    static final long WRITE_BUFFER_BYTES = 4L * 1024 * 1024;
    /** Each memtable: a store flushes to disk once one is full. */
    static final long MEMTABLE_BYTES = 1024 * 1024;
    /** Share of the cache kept for index and filter blocks (high priority), as in Kafka's guide. */
    private static final double INDEX_FILTER_RATIO = 0.1;

    // Shared by every store of the instance: made once, never closed by a store
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, INDEX_FILTER_RATIO);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager belong to every store of the instance: not closed with one
    }
}
