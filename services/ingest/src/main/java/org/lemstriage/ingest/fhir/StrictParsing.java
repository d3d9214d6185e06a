package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;

import java.util.ArrayList;
import java.util.List;

/**
 * HAPI's parser error callbacks, collected instead of thrown one at a time, so a sender learns every problem at
 * once: unknown elements and attributes, wrong JSON types, invalid primitive values (dates, codes of required
 * bindings), repeated single elements. Each issue names the element as {@code Resource.parent.element}.
 */
final class StrictParsing implements IParserErrorHandler {
    private final String resourceType;
    private final List<FhirInputException.Issue> issues = new ArrayList<>();

    StrictParsing(String resourceType) {
        this.resourceType = resourceType;
    }

    List<FhirInputException.Issue> issues() {
        return issues;
    }

    private void add(IParseLocation location, String element, String problem) {
        String parent = location == null ? null : location.getParentElementName();
        String path = resourceType;
        if (parent != null && !parent.equals(resourceType)) {
            path += "." + parent;
        }
        if (element != null) {
            path += "." + element;
        }
        issues.add(new FhirInputException.Issue(path, path + ": " + problem));
    }

    @Override
    public void containedResourceWithNoId(IParseLocation location) {
        add(location, "contained", "a contained resource has no id");
    }

    @Override
    public void incorrectJsonType(IParseLocation location, String element, BaseJsonLikeValue.ValueType expected,
                                  BaseJsonLikeValue.ScalarType expectedScalar, BaseJsonLikeValue.ValueType found,
                                  BaseJsonLikeValue.ScalarType foundScalar) {
        add(location, element, "expected a JSON " + describe(expected, expectedScalar) + ", found " + describe(found, foundScalar));
    }

    private static String describe(BaseJsonLikeValue.ValueType type, BaseJsonLikeValue.ScalarType scalar) {
        return scalar == null ? String.valueOf(type).toLowerCase() : String.valueOf(scalar).toLowerCase();
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
        // The value itself may be patient data: the reason only
        add(location, null, "invalid value (" + (error == null ? "not valid for its type" : error) + ")");
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String element) {
        add(location, element, "required element missing");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String element) {
        add(location, element, "repeats, but allows one value only");
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attribute) {
        add(location, attribute, "unknown attribute");
    }

    @Override
    public void unknownElement(IParseLocation location, String element) {
        add(location, element, "unknown element");
    }

    @Override
    public void unknownReference(IParseLocation location, String reference) {
        // A reference to a resource not in the payload is normal for a lab result
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
        add(location, null, "reference to a contained resource that does not exist");
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
        add(location, "extension", "an extension has both a value and nested extensions");
    }
}
