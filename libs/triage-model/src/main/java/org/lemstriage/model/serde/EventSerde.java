package org.lemstriage.model.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.lemstriage.model.event.EventJson;

import java.io.IOException;
import java.util.Map;

/**
 * An event record as JSON on a topic, through {@link EventJson}'s one mapper: the writer and the reader of a topic use
 * the same subclass (for example {@link LabResultSerde}), named in Kafka configuration as serializer, deserializer
 * or, for Kafka Streams, serde. A record that is not the type's JSON fails with a {@link SerializationException}
 * that names the topic and the type, never the content.
 */
public class EventSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;

    public EventSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(String topic, T event) {
        if (event == null) {
            return null;
        }
        try {
            return EventJson.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new SerializationException(type.getSimpleName() + " for " + topic + " not written as JSON", e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return EventJson.mapper().readValue(data, type);
        } catch (IOException e) {
            // Jackson's message may quote the record; only where it failed goes on
            throw new SerializationException("a record on " + topic + " is not " + type.getSimpleName() + " JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the mapper is the project's one
    }

    @Override
    public void close() {
        // nothing held
    }
}
