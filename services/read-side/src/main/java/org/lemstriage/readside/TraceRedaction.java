package org.lemstriage.readside;

import jakarta.inject.Singleton;
import org.lemstriage.model.trace.SpansWithoutPatientData;

/** No patient data in this service's exported spans ({@link SpansWithoutPatientData}). */
@Singleton
public class TraceRedaction extends SpansWithoutPatientData {
}
