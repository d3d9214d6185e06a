package org.lemstriage.notifier.episode;

import java.util.List;

/**
 * What the EHR says about reminding the patient, read only when a decision has something to remind them of.
 *
 * @param languages  the languages of {@code Patient.communication}, the preferred first (BCP 47 codes as given)
 * @param optedOutBy the Consent by which the patient declined reminders ({@code Consent/<id>}), or null
 * @param reachable  false when the Patient is recorded as deceased or not active: nobody is reminded then
 */
public record PatientContact(List<String> languages, String optedOutBy, boolean reachable) {
    /** Not read: the decision reminds the patient of nothing. */
    public static final PatientContact UNREAD = new PatientContact(List.of(), null, true);
}
