package org.lemstriage.model.event;

/**
 * One item of the DELTA-P score (Titulaer et al., J Clin Oncol 2011): one point when PRESENT. UNKNOWN is no data,
 * never counted as ABSENT: a missing record must never lower a patient's tier.
 *
 * @param source the EHR element or resource the value rests on (e.g. {@code Patient/1.birthDate}), null if none
 * @param detail a short reason in words, without patient values beyond what the item needs
 */
public record DeltaPItem(Item item, Presence value, String source, String detail) {

    /**
     * The six items in the order of the acronym, each counted "at or within 3 months from onset" (Titulaer 2011).
     */
    public enum Item {
        /** D: difficulty swallowing, talking or chewing: bulbar involvement. */
        BULBAR_INVOLVEMENT,
        /** E: erectile dysfunction (male sexual impotence; not applicable to women). */
        ERECTILE_DYSFUNCTION,
        /** L: loss of weight of 5 % or more. */
        WEIGHT_LOSS_5_PERCENT,
        /** T: tobacco use at diagnosis. */
        SMOKING_AT_DIAGNOSIS,
        /** A: age at onset 50 years or older. */
        AGE_50_OR_OLDER,
        /** P: Karnofsky performance status below 70. */
        KARNOFSKY_BELOW_70
    }

    public enum Presence { PRESENT, ABSENT, UNKNOWN }
}
