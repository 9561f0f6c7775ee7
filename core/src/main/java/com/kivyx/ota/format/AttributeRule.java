package com.kivyx.ota.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Set;

/**
 * A rule on a custom device attribute: {@code in}/{@code notIn} take {@code values},
 * {@code eq} takes a {@code value}, {@code semver} takes a range as {@code value}. A device
 * without the attribute fails every rule except {@code notIn}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttributeRule(String attribute, String op, List<String> values, String value) {
  public static final Set<String> OPERATORS = Set.of("in", "notIn", "eq", "semver");

  public AttributeRule {
    Check.text("targeting attribute name", attribute, 64);
    if (!OPERATORS.contains(op)) {
      throw new InvalidDocumentException(
          "targeting operator on '" + attribute + "' must be in, notIn, eq or semver, got '" + op + "'");
    }
    boolean listOperator = op.equals("in") || op.equals("notIn");
    if (listOperator) {
      if (values == null || values.isEmpty() || value != null) {
        throw new InvalidDocumentException(
            "targeting '" + op + "' on '" + attribute + "' needs a non-empty 'values' list and no 'value'");
      }
      values.forEach(v -> Check.present("targeting value of '" + attribute + "'", v));
      values = List.copyOf(values);
    } else {
      if (value == null || values != null) {
        throw new InvalidDocumentException(
            "targeting '" + op + "' on '" + attribute + "' needs a 'value' and no 'values'");
      }
      if (op.equals("semver")) {
        SemverRange.parse(value);
      }
    }
  }
}
