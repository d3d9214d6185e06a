package org.lemstriage.classifier.kafka;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedStoreMemoryTest {

    @Test
    void everyStoreGetsSmallMemtablesInsteadOfRocksDbsDefaultThree16MiBOnes() {
        RocksDB.loadLibrary();
        BoundedStoreMemory setter = new BoundedStoreMemory();
        try (Options patients = new Options(); Options waits = new Options()) {
            // As Kafka Streams hands them over: with its own block-based table format
            patients.setTableFormatConfig(new BlockBasedTableConfig());
            waits.setTableFormatConfig(new BlockBasedTableConfig());
            setter.setConfig("patient-triage", patients, Map.of());
            setter.setConfig("context-waits", waits, Map.of());
            for (Options options : new Options[] {patients, waits}) {
                assertThat(options.writeBufferSize()).isEqualTo(BoundedStoreMemory.MEMTABLE_BYTES);
                assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
            }
        }
    }
}
