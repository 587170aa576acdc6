"""Conformance cases from the AWS documentation: JSON and space-delimited patterns.

Each case is ``(test id, pattern, message, expected match)``.
"""

# ruff: noqa: E501 - one case per line reads better than strings wrapped mid-pattern

from __future__ import annotations

import json

# Source: "Filter pattern syntax ..." > "Using filter patterns to match terms in JSON log
# events" (the example event, entered on one line as the page asks).
EVENT = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "cluster.name": "c",
        "ThisFlag": True,
    }
)
# Same page, compound expressions.
COMPOUND = json.dumps(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [
            {"id": 2, "email": "John.Doe@example.com"},
            {"id": 3, "email": "Jane.Doe@example.com"},
        ],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)
APACHE = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
APACHE_200 = APACHE.replace(" 404 ", " 200 ")
APACHE_403 = APACHE.replace(" 404 ", " 403 ")
APACHE_410 = APACHE.replace(" 404 ", " 410 ")
APACHE_SMALL = APACHE.replace(" 1534", " 999")
S1 = "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200"
S2 = "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310"
S3 = "WARNING 09/25/2014 12:00:02 Invalid user request"
S4 = "ERROR 09/25/2014 12:00:02 Failed to process request"


def _j(**fields: object) -> str:
    return json.dumps(fields)


CASES: list[tuple[str, str, str, bool]] = [
    # Source: "Using filter patterns to match terms in JSON log events".
    ("json-string", '{ $.eventType = "UpdateTrail" }', EVENT, True),
    ("json-string-other", '{ $.eventType = "UpdateTrail" }', _j(eventType="DeleteTrail"), False),
    ("json-ip-prefix-ne", "{ $.sourceIPAddress != 123.123.* }", EVENT, True),
    (
        "json-ip-prefix-ne-miss",
        "{ $.sourceIPAddress != 123.123.* }",
        _j(sourceIPAddress="123.123.4.5"),
        False,
    ),
    ("json-array-0", '{ $.arrayKey[0] = "value" }', EVENT, True),
    ("json-array-1-not-value", '{ $.arrayKey[1] = "value" }', EVENT, False),
    ("json-array-1", '{ $.arrayKey[1] = "another value" }', EVENT, True),
    ("json-array-out-of-range", '{ $.arrayKey[2] = "value" }', EVENT, False),
    ("json-index-on-string", '{ $.eventType[0] = "UpdateTrail" }', EVENT, False),
    ("json-regex", "{ $.eventType = %Trail% }", EVENT, True),
    ("json-regex-anchored-miss", "{ $.eventType = %^Trail% }", EVENT, False),
    ("json-regex-any-element", "{ $.arrayKey[*] = %val.{2}% }", EVENT, True),
    ("json-regex-any-field", r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }", EVENT, True),
    ("json-regex-any-field-miss", r"{ $.* = %222\.111% }", EVENT, False),
    ("json-dotted-key", "{ $.['cluster.name'] = \"c\" }", EVENT, True),
    ("json-dotted-key-as-path", '{ $.cluster.name = "c" }', EVENT, False),
    ("json-is-null", "{ $.SomeObject IS NULL }", EVENT, True),
    ("json-is-null-string", "{ $.eventType IS NULL }", EVENT, False),
    ("json-is-null-missing", "{ $.SomeOtherObject IS NULL }", EVENT, False),
    ("json-not-exists", "{ $.SomeOtherObject NOT EXISTS }", EVENT, True),
    ("json-not-exists-null-present", "{ $.SomeObject NOT EXISTS }", EVENT, False),
    ("json-object-in-array", "{ $.objectList[1].id = 2 }", EVENT, True),
    ("json-object-in-array-first", "{ $.objectList[0].id = 2 }", EVENT, False),
    ("json-object-any-element", "{ $.objectList[*].id = 2 }", EVENT, True),
    ("json-object-any-element-name", '{ $.objectList[*].name = "c" }', EVENT, False),
    ("json-is-true", "{ $.ThisFlag IS TRUE }", EVENT, True),
    ("json-is-false-on-true", "{ $.ThisFlag IS FALSE }", EVENT, False),
    ("json-is-false", "{ $.ThisFlag IS FALSE }", _j(ThisFlag=False), True),
    ("json-gt", "{ $.bandwidth > 75 }", _j(bandwidth=80), True),
    ("json-gt-equal", "{ $.bandwidth > 75 }", _j(bandwidth=75), False),
    ("json-lt", "{ $.latency < 50 }", _j(latency=49.5), True),
    ("json-lt-equal", "{ $.latency < 50 }", _j(latency=50), False),
    ("json-ge", "{ $.refreshRate >= 60 }", _j(refreshRate=60), True),
    ("json-ge-below", "{ $.refreshRate >= 60 }", _j(refreshRate=59), False),
    ("json-le", "{ $.responseTime <= 5 }", _j(responseTime=5), True),
    ("json-le-above", "{ $.responseTime <= 5 }", _j(responseTime=6), False),
    ("json-eq-number", "{ $.errorCode = 400}", _j(errorCode=400), True),
    ("json-eq-number-other", "{ $.errorCode = 400}", _j(errorCode=401), False),
    ("json-ne-number", "{ $.errorCode != 500 }", _j(errorCode=404), True),
    ("json-ne-number-same", "{ $.errorCode != 500 }", _j(errorCode=500), False),
    ("json-exponent-plus", "{ $.number[0] = 1e+3 }", _j(number=[1000]), True),
    ("json-exponent-minus-ne", "{ $.number[0] != 1e-3 }", _j(number=[0.001]), False),
    ("json-exponent-minus-ne-other", "{ $.number[0] != 1e-3 }", _j(number=[1]), True),
    # Source: "Filter and Pattern Syntax" (earlier edition) > "Numeric Comparisons".
    ("old-json-ge-500", "{ $.latency >= 500 }", _j(latency=500), True),
    ("old-json-lt-10e3", "{ $.numbers[0] < 10e3 }", _j(numbers=[9999]), True),
    ("old-json-lt-10e3-miss", "{ $.numbers[0] < 10e3 }", _j(numbers=[10000]), False),
    ("old-json-lt-10e-3", "{ $.numbers[0] < 10e-3 }", _j(numbers=[0.001]), True),
    (
        "old-json-decimal",
        "{ $.processes[4].averageRuntime <= 55.5 }",
        _j(processes=[{}, {}, {}, {}, {"averageRuntime": 55.5}]),
        True,
    ),
    ("old-json-plus-sign", "{ $.latency > +1000 }", _j(latency=1001), True),
    ("old-json-negative", "{ $.delta < -1.5 }", _j(delta=-2), True),
    # Source: "Filter and Pattern Syntax" (earlier edition) > "JSON Special Considerations":
    # a selector on an array or object fails both = and !=.
    ("old-json-array-eq", "{ $.users = 1 }", _j(users=[1, 2, 3]), False),
    ("old-json-array-ne", "{ $.users != 1 }", _j(users=[1, 2, 3]), False),
    ("old-json-object-ne", '{ $.user != "x" }', COMPOUND, False),
    # Source: "Filter and Pattern Syntax" (earlier edition) > "OR Pattern Matching" (JSON).
    ("old-json-or-bar", "{$.foo = bar}", _j(foo="bar"), True),
    ("old-json-or-bar-miss", "{$.foo = bar}", _j(foo="baz"), False),
    ("old-json-or-baz", "{$.foo = baz }", _j(foo="baz"), True),
    ("old-json-or-either-bar", "{$.foo = bar || $.foo = baz }", _j(foo="bar"), True),
    ("old-json-or-either-baz", "{$.foo = bar || $.foo = baz }", _j(foo="baz"), True),
    ("old-json-or-either-miss", "{$.foo = bar || $.foo = baz }", _j(foo="qux"), False),
    # Source: "Filter and Pattern Syntax" (earlier edition) > STRING wildcards.
    ("old-wildcard-suffix-match", "{ $.name = *Event }", _j(name="PutEvent"), True),
    ("old-wildcard-suffix-get", "{ $.name = *Event }", _j(name="GetEvent"), True),
    ("old-wildcard-prefix-id", "{ $.name = Event* }", _j(name="EventId"), True),
    ("old-wildcard-prefix-name", "{ $.name = Event* }", _j(name="EventName"), True),
    ("old-wildcard-prefix-miss", "{ $.name = Event* }", _j(name="PutEvent"), False),
    ("old-wildcard-middle-literal", "{ $.name = Ev*ent }", _j(name="Event"), False),
    ("old-wildcard-middle-exact", "{ $.name = Ev*ent }", _j(name="Ev*ent"), True),
    ("json-any-value", "{ $.latency = * }", _j(latency=50), True),
    ("json-any-value-missing", "{ $.latency = * }", _j(requestType="GET"), False),
    # Source: "Filter pattern syntax ..." > compound expressions (same JSON page).
    (
        "compound-and",
        '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }',
        COMPOUND,
        True,
    ),
    (
        "compound-or-precedence",
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch"'
        ' && $.actions[2] = "nonmatch" }',
        COMPOUND,
        True,
    ),
    (
        "compound-parens-and",
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch")'
        ' && $.actions[2] = "nonmatch" }',
        COMPOUND,
        False,
    ),
    (
        "compound-or-miss",
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
        COMPOUND,
        False,
    ),
    (
        "old-compound-unquoted",
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch'
        " && $.actions[2] = nomatch }",
        COMPOUND,
        True,
    ),
    ("compound-nested-array", "{ $.coordinates[1][2] = 6 }", COMPOUND, True),
    ("compound-any-action", '{ $.actions[*] = "PUT" }', COMPOUND, True),
    # Source: "Publishing dimensions with metrics from values in JSON ... log events".
    (
        "dimensions-exists-and-ne",
        '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
        EVENT,
        True,
    ),
    ("json-on-plain-text", '{ $.eventType = "UpdateTrail" }', "eventType UpdateTrail", False),
    # Source: "Using filter patterns to match terms in space-delimited log events".
    (
        "space-regex-wildcards",
        r"[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        APACHE,
        True,
    ),
    (
        "space-regex-wildcards-ip-miss",
        r"[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        APACHE.replace("127.0.0.1", "10.0.0.1"),
        False,
    ),
    ("space-ellipsis-start", "[..., request =*.html*, status_code = 4*, bytes]", APACHE, True),
    (
        "space-ellipsis-start-200",
        "[..., request =*.html*, status_code = 4*, bytes]",
        APACHE_200,
        False,
    ),
    (
        "space-or-404",
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        APACHE,
        True,
    ),
    (
        "space-or-410",
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        APACHE_410,
        True,
    ),
    (
        "space-or-200",
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        APACHE_200,
        False,
    ),
    (
        "space-all-named",
        "[ip, user, username, timestamp, request, status_code, bytes]",
        APACHE,
        True,
    ),
    (
        "space-too-few-fields",
        "[ip, user, username, timestamp, request, status_code, bytes, extra]",
        APACHE,
        False,
    ),
    ("space-ellipsis-end", "[ip, user, ...]", APACHE, True),
    ("space-ellipsis-tail", "[..., status_code, bytes]", APACHE, True),
    ("space-ellipsis-middle", "[ip, user, ..., status_code, bytes]", APACHE, True),
    (
        "space-bytes-gt",
        "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
        APACHE,
        True,
    ),
    (
        "space-bytes-gt-miss",
        "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
        APACHE_SMALL,
        False,
    ),
    # Source: "Filter and Pattern Syntax" (earlier edition) > space-delimited conditions.
    (
        "old-space-status-200",
        "[ip, user, username, timestamp, request, status_code = 200, bytes]",
        APACHE_200,
        True,
    ),
    (
        "old-space-status-200-miss",
        "[ip, user, username, timestamp, request, status_code = 200, bytes]",
        APACHE,
        False,
    ),
    (
        "old-space-html-contains",
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
        APACHE,
        True,
    ),
    (
        "old-space-and-not-403",
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        APACHE,
        True,
    ),
    (
        "old-space-and-not-403-miss",
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        APACHE_403,
        False,
    ),
    ("old-space-trailing-comma", "[..., request=*.html*, status_code=4*,]", APACHE, True),
    (
        "old-space-apache-404",
        "[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]",
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
        True,
    ),
    # Source: "Using filter patterns to match terms in space-delimited log events" > pattern
    # matching in order (w1, w2).
    ("space-w1-error", "[w1=ERROR, w2]", S4, True),
    ("space-w1-error-warning-line", "[w1=ERROR, w2]", S3, False),
    ("space-w1-error-info-line", "[w1=ERROR, w2]", S1, False),
    ("space-w1-or-warning", "[w1=ERROR || w1=WARNING, w2]", S3, True),
    ("space-w1-or-error", "[w1=ERROR || w1=WARNING, w2]", S4, True),
    ("space-w1-or-info", "[w1=ERROR || w1=WARNING, w2]", S1, False),
    ("space-w1-or-capital-label", "[w1=ERROR || W1=WARNING, w2]", S3, True),
    ("space-w1-not-info", "[w1!=ERROR && w1!=WARNING, w2]", S1, True),
    ("space-w1-not-info-post", "[w1!=ERROR && w1!=WARNING, w2]", S2, True),
    ("space-w1-not-warning", "[w1!=ERROR && w1!=WARNING, w2]", S3, False),
    ("space-w1-not-error", "[w1!=ERROR && w1!=WARNING, w2]", S4, False),
    (
        "space-uri-top",
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
        S1,
        True,
    ),
    (
        "space-uri-top-child",
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
        S2,
        False,
    ),
    (
        "space-uri-child",
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]",
        S2,
        True,
    ),
    (
        "space-uri-child-top",
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]",
        S1,
        False,
    ),
    # Source: "Filter and Pattern Syntax" (earlier edition) > OR in space-delimited filters.
    ("old-space-or-warn", "[w1=ERROR || w1=WARN, w2]", "WARN message", True),
    ("old-space-or-error", "[w1=ERROR || w1=WARN, w2]", "ERROR message", True),
    ("old-space-error-only", "[w1=ERROR, w2]", "WARN message", False),
]
