"""Patterns CloudWatch Logs rejects: ``(test id, pattern, 1-based position, rule excerpt)``."""

from __future__ import annotations

CASES: list[tuple[str, str, int, str]] = [
    # Source: CloudWatch Logs API reference, PutSubscriptionFilter/MetricFilter: filterPattern
    # "Length Constraints: Minimum length of 0. Maximum length of 1024."
    ("too-long", "x" * 1025, 1025, "at most 1024 characters"),
    # Source: "Supported regular expressions (regex) syntax".
    ("regex-bang", "%something!%", 11, "character '!' is not supported"),
    ("regex-parentheses", "%(abc)%", 2, "parentheses are not supported"),
    ("regex-escaped-parenthesis", r"%f\(x%", 4, "parentheses are not supported"),
    ("regex-multibyte", "%caf\u00e9%", 5, "multi-byte characters"),
    ("regex-empty", "%%", 1, "empty regular expression"),
    ("regex-unterminated", "%abc", 1, "unterminated regular expression"),
    ("regex-word-boundary", r"%a\b%", 3, "unsupported escape '\\b'"),
    ("regex-backreference", r"%a\1%", 3, "unsupported escape '\\1'"),
    ("regex-short-hex", r"%\x4%", 2, "two hexadecimal digits"),
    ("regex-open-class", "%[a%", 1, "invalid regular expression"),
    (
        "regex-three-in-json",
        "{ $.a = %x% || $.b = %y% || $.c = %z% }",
        35,
        "at most 2 regular expressions",
    ),
    ("regex-three-in-fields", "[a=%x%, b=%y%, c=%z%]", 18, "at most 2 regular expressions"),
    ("regex-with-terms", "ERROR %x%", 7, "must be the whole pattern"),
    ("regex-then-terms", "%x% ERROR", 5, "must be the whole pattern"),
    # Source: "Using filter patterns to match terms in JSON log events".
    ("json-missing-close-paren", "{ ($.a = 1 }", 3, "unbalanced parenthesis"),
    ("json-extra-close-paren", "{ $.a = 1) }", 10, "unbalanced parenthesis"),
    ("json-missing-brace", "{ $.a = 1", 10, "missing closing '}'"),
    ("json-empty", "{ }", 3, "empty JSON pattern"),
    ("json-is-not", "{ $.a IS NOT NULL }", 7, "'IS NOT' is not supported"),
    ("json-exists", "{ $.a EXISTS }", 7, "'EXISTS' is not supported"),
    ("json-is-other", "{ $.a IS MAYBE }", 10, "'IS' must be followed by TRUE, FALSE or NULL"),
    ("json-not-other", "{ $.a NOT NULL }", 11, "'NOT' must be followed by EXISTS"),
    ("json-lowercase-is", "{ $.a is null }", 7, "expected an operator"),
    ("json-gt-string", '{ $.a > "x" }', 9, "needs a number"),
    ("json-unquoted-at", "{ $.a = b@c }", 10, "enclose it in double quotes"),
    ("json-unquoted-colon", "{ $.user.username = system:* }", 27, "enclose it in double quotes"),
    ("json-two-wildcards-in-selector", "{ $.a[*].b[*] = 1 }", 11, "only one wildcard selector"),
    (
        "json-four-wildcards",
        "{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }",
        48,
        "at most 3 wildcard selectors",
    ),
    ("json-no-selector", "{ a = 1 }", 3, "expected a condition"),
    ("json-no-dot", "{ $a = 1 }", 3, "starts with '$.'"),
    ("json-bad-name", "{ $.a@b = 1 }", 6, "expected an operator"),
    ("json-empty-name", "{ $. = 1 }", 5, "a property name may only contain"),
    ("json-text-after", "{ $.a = 1 } x", 13, "unexpected text after the closing '}'"),
    ("json-dangling-and", "{ $.a = 1 && }", 14, "expected a condition"),
    ("json-unknown-operator", "{ $.a ~ 1 }", 7, "expected an operator"),
    ("json-double-equals", "{ $.a == 1 }", 8, "an unquoted value may only contain"),
    ("json-unterminated-string", '{ $.a = "x }', 9, "unterminated quoted string"),
    ("json-bad-index", "{ $.a[x] = 1 }", 7, "expected an array index"),
    ("json-negative-index", "{ $.a[-1] = 1 }", 7, "expected an array index"),
    ("json-unterminated-key", "{ $.['a = 1 }", 6, "unterminated quoted property name"),
    ("json-missing-value", "{ $.a = }", 9, "expected a value"),
    ("json-missing-operator-between", "{ $.a = 1 $.b = 2 }", 11, "expected '&&', '||' or '}'"),
    # Source: "Using filter patterns to match terms in space-delimited log events".
    ("space-unclosed", "[a, b", 6, "missing closing ']'"),
    ("space-text-after", "[a, b] x", 8, "unexpected text after the closing ']'"),
    ("space-empty", "[]", 2, "expected a field name"),
    ("space-missing-value", "[a = ]", 6, "expected a value"),
    ("space-gt-text", "[a > x]", 6, "needs a number"),
    ("space-parenthesis", "[a, (b)]", 5, "expected a field name"),
    ("space-missing-comma", "[a b]", 4, "expected an operator"),
    ("space-dangling-or", "[a = 1 ||, b]", 10, "expected a field name after '&&' or '||'"),
    # Source: "Using filter patterns to match terms in unstructured log events": terms with
    # characters other than letters, digits and '_' must be quoted.
    ("term-hyphen", "ERROR-CODE", 6, "must be in double quotes"),
    ("term-colon", "level:ERROR", 6, "must be in double quotes"),
    ("term-unterminated-quote", '"unterminated', 1, "unterminated quoted string"),
    ("term-dangling-minus", "ERROR -", 8, "expected a term after '-'"),
    ("term-dangling-question", "?", 2, "expected a term after '?'"),
]
