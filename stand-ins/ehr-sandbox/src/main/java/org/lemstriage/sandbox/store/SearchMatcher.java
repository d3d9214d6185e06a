package org.lemstriage.sandbox.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.UrlUtil;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates token and reference search parameters of the base R4 specification against one resource, using the
 * parameter's own FHIRPath from HAPI's R4 definitions (reduced to a plain element path for FhirTerser). A value
 * list separated by commas is an OR; repeating a parameter is an AND. Parameters of other kinds are refused
 * with a 400 rather than silently ignored: a sandbox that ignores a filter would return wrong matches.
 */
final class SearchMatcher {
    /** Result-shaping parameters that are not filters. */
    private static final List<String> NOT_FILTERS = List.of("_count", "_format", "_pretty", "_summary", "_elements",
            "_sort", "_total", "_getpages", "_getpagesoffset", "_bundletype");
    private static final Pattern WHERE_CLAUSE = Pattern.compile("\\.where\\(.*\\)$");

    private final FhirContext fhir;
    private final FhirTerser terser;
    private final String type;
    private final Map<RuntimeSearchParam, List<String[]>> conditions = new LinkedHashMap<>();
    private final List<String[]> ids = new ArrayList<>();

    SearchMatcher(FhirContext fhir, String type, Map<String, String[]> query) {
        this.fhir = fhir;
        this.terser = fhir.newTerser();
        this.type = type;
        RuntimeResourceDefinition definition = fhir.getResourceDefinition(type);
        query.forEach((name, values) -> {
            if (NOT_FILTERS.contains(name)) {
                return;
            }
            List<String[]> orLists = Arrays.stream(values).map(SearchMatcher::orList).toList();
            if ("_id".equals(name)) {
                ids.addAll(orLists);
                return;
            }
            RuntimeSearchParam param = definition.getSearchParam(name);
            if (param == null || !isSupported(param)) {
                throw new InvalidRequestException("Search parameter '" + name + "' is not supported for " + type
                        + " by the EHR sandbox (token and reference parameters only)");
            }
            conditions.computeIfAbsent(param, p -> new ArrayList<>()).addAll(orLists);
        });
    }

    /** A conditional create's query ({@code identifier=sys|val&status=x}) as search parameters. */
    static Map<String, String[]> parseQuery(String query) {
        String params = query.contains("?") ? query.substring(query.indexOf('?') + 1) : query;
        return UrlUtil.parseQueryString(params);
    }

    /**
     * A parameter's value as its OR list: split at each comma FHIR search escaping leaves unescaped ({@code \,} is a
     * comma inside a value); each value keeps its escapes until its system and code are split at the unescaped bar.
     */
    private static String[] orList(String value) {
        List<String> values = new ArrayList<>();
        String rest = value;
        for (int comma = unescapedIndexOf(rest, ','); comma >= 0; comma = unescapedIndexOf(rest, ',')) {
            values.add(rest.substring(0, comma));
            rest = rest.substring(comma + 1);
        }
        values.add(rest);
        return values.toArray(String[]::new);
    }

    /** The first {@code c} that no backslash escapes (a backslash escapes the one character after it, itself included). */
    private static int unescapedIndexOf(String value, char c) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '\\') {
                i++;
            } else if (value.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isSupported(RuntimeSearchParam param) {
        return switch (param.getParamType()) {
            case TOKEN, REFERENCE -> true;
            default -> false;
        };
    }

    /**
     * What a match must carry, to look up in an index before matching: the ids of an {@code _id} condition, or for
     * one token or reference condition its parameter and the keys ({@link #keysOf}) one of which a match has. Null
     * when no condition narrows (a token with a system and no code matches any code).
     */
    Narrowing narrowing() {
        if (!ids.isEmpty()) {
            return new Narrowing(null, new LinkedHashSet<>(Arrays.asList(ids.get(0))));
        }
        for (var condition : conditions.entrySet()) {
            Set<String> keys = wantedKeys(condition.getValue().get(0));
            if (keys != null) {
                return new Narrowing(condition.getKey(), keys);
            }
        }
        return null;
    }

    /** {@code param} null: the keys are resource ids. */
    record Narrowing(RuntimeSearchParam param, Set<String> keys) {
    }

    /**
     * The keys under which a value list can match: for each value both readings, a reference's id part and a token's
     * code, since {@link #matchesValue} reads a value by the element it meets. Null if one value matches any code.
     */
    private static Set<String> wantedKeys(String[] anyOf) {
        Set<String> keys = new LinkedHashSet<>();
        for (String wanted : anyOf) {
            String code = ParameterUtil.unescape(wanted.substring(unescapedIndexOf(wanted, '|') + 1));
            if (code.isEmpty()) {
                return null;
            }
            keys.add(code);
            String idPart = new org.hl7.fhir.r4.model.IdType(wanted).getIdPart();
            if (idPart != null) {
                keys.add(idPart);
            }
        }
        return keys;
    }

    /**
     * The index keys of one resource for one parameter: a reference's id part, a token's code or value; a resource
     * that {@link #matches} a value of the parameter always has that value's key among these.
     */
    static Set<String> keysOf(FhirContext fhir, Resource resource, RuntimeSearchParam param) {
        Set<String> keys = new HashSet<>();
        for (IBase value : valuesOf(fhir.newTerser(), resource.fhirType(), resource, param)) {
            if (value instanceof Reference reference) {
                if (reference.hasReference() && reference.getReferenceElement().getIdPart() != null) {
                    keys.add(reference.getReferenceElement().getIdPart());
                }
            } else if (value instanceof Identifier identifier) {
                keys.add(String.valueOf(identifier.getValue()));
            } else if (value instanceof CodeableConcept concept) {
                concept.getCoding().forEach(c -> keys.add(String.valueOf(c.getCode())));
            } else if (value instanceof Coding coding) {
                keys.add(String.valueOf(coding.getCode()));
            } else if (value instanceof PrimitiveType<?> primitive) { // Enumeration is one
                keys.add(String.valueOf(primitive.getValueAsString()));
            }
        }
        return keys;
    }

    boolean matches(Resource resource) {
        for (String[] anyOf : ids) {
            if (Arrays.stream(anyOf).noneMatch(id -> id.equals(resource.getIdElement().getIdPart()))) {
                return false;
            }
        }
        for (var condition : conditions.entrySet()) {
            List<IBase> values = valuesOf(resource, condition.getKey());
            for (String[] anyOf : condition.getValue()) {
                boolean any = false;
                for (String wanted : anyOf) {
                    any |= values.stream().anyMatch(v -> matchesValue(v, wanted));
                }
                if (!any) {
                    return false;
                }
            }
        }
        return true;
    }

    private List<IBase> valuesOf(Resource resource, RuntimeSearchParam param) {
        return valuesOf(terser, type, resource, param);
    }

    private static List<IBase> valuesOf(FhirTerser terser, String type, Resource resource, RuntimeSearchParam param) {
        List<IBase> values = new ArrayList<>();
        for (String path : param.getPathsSplit()) {
            String plain = WHERE_CLAUSE.matcher(path.trim()).replaceAll("");
            if (plain.startsWith(type + ".")) {
                values.addAll(terser.getValues(resource, plain));
            }
        }
        return values;
    }

    private static boolean matchesValue(IBase value, String wanted) {
        if (value instanceof Reference reference) {
            return matchesReference(reference, wanted);
        }
        String system = null;
        String code = ParameterUtil.unescape(wanted);
        int bar = unescapedIndexOf(wanted, '|');
        if (bar >= 0) {
            system = ParameterUtil.unescape(wanted.substring(0, bar));
            code = ParameterUtil.unescape(wanted.substring(bar + 1));
        }
        if (value instanceof Identifier identifier) {
            return matchesToken(identifier.getSystem(), identifier.getValue(), system, code);
        }
        if (value instanceof CodeableConcept concept) {
            for (Coding coding : concept.getCoding()) {
                if (matchesToken(coding.getSystem(), coding.getCode(), system, code)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Coding coding) {
            return matchesToken(coding.getSystem(), coding.getCode(), system, code);
        }
        if (value instanceof Enumeration<?> enumeration) {
            return code.equals(enumeration.getValueAsString());
        }
        if (value instanceof PrimitiveType<?> primitive) {
            return code.equals(primitive.getValueAsString());
        }
        return false;
    }

    private static boolean matchesToken(String hasSystem, String hasCode, String system, String code) {
        boolean systemOk = system == null || (system.isEmpty() ? hasSystem == null : system.equals(hasSystem));
        boolean codeOk = code.isEmpty() || code.equals(hasCode);
        return systemOk && codeOk;
    }

    private static boolean matchesReference(Reference reference, String wanted) {
        if (!reference.hasReference()) {
            return false;
        }
        var has = reference.getReferenceElement();
        var want = new org.hl7.fhir.r4.model.IdType(ParameterUtil.unescape(wanted));
        if (!want.hasResourceType()) {
            return want.getIdPart().equals(has.getIdPart());
        }
        return want.getResourceType().equals(has.getResourceType()) && want.getIdPart().equals(has.getIdPart());
    }
}
