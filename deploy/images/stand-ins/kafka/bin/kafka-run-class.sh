#!/bin/bash
# A Kafka class with Kafka's jars on the class path, as the distribution's script of this name runs it
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_OPTS:-} -cp "/opt/kafka/libs/*" "$@"
