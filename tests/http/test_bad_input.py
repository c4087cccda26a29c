"""The bad-input suite: hand-written malformed requests against a running
server, on every route. Each one must get a 4xx application/problem+json
answer (never 2xx, never 5xx) with type, title, status and detail, whose
`errors` names the field when the input error is about one field; the
server must stay healthy throughout (GET /healthz every few cases) and stop
cleanly, so that a run under valgrind or ASan (MSG_TEST_SERVER_WRAPPER, or
an ASan build) reports nothing. SQL metacharacters in positions where text
is valid are positive controls: they are stored and returned verbatim.

Every case is sent over a raw socket exactly as written (harness.build_request),
so that bytes http.client refuses (bare CR or LF, NUL, raw non-ASCII) reach
the server. A case is (name, request bytes, acceptable statuses, field).
"""
import json
import re
import urllib.parse
from collections import namedtuple

from cases import PROBLEM, ApiCase, new_account, new_number
from harness import Server, build_request

# half_close: the client shuts its sending side after the data, so that a
# server waiting for more sees the end of the stream.
Case = namedtuple("Case", "name data status field half_close")

HEALTH_EVERY = 10  # cases between two checks that the server still serves

JSON_TYPE = ("Content-Type", "application/json")
GOOD = {"sender_number": "+15551234567", "receiver_number": "+15557654321", "body": "hi"}
NUMS = b'"sender_number":"123","receiver_number":"456"'  # valid numbers, for bodies written by hand
UUID = "0189c5b2-0000-7000-8000-000000000000"
SQL = "1' OR '1'='1"  # the classic; percent-encoded where it goes into a URI
SQL_DROP = "'; DROP TABLE messages; --"

# Header names an injection would create; no response may carry them.
INJECTED = ("X-Injected", "Set-Cookie")


def q(text):
    """Percent-encodes `text` for a query value or a path segment."""
    return urllib.parse.quote(text, safe="")


def with_(**fields):
    """A valid v1 create body with `fields` replaced, as JSON bytes."""
    body = dict(GOOD)
    body.update(fields)
    return json.dumps(body).encode()


def compat(**fields):
    """A valid compatibility create body with `fields` replaced."""
    body = dict(GOOD, account_id=42)
    body.update(fields)
    return json.dumps(body).encode()


def create(body, headers=(JSON_TYPE,), account="42"):
    return build_request("POST", "/v1/accounts/%s/messages" % account, list(headers), body)


def compat_create(body, headers=(JSON_TYPE,)):
    return build_request("POST", "/v1/create", list(headers), body)


def get(target, headers=()):
    return build_request("GET", target, list(headers))


def raw(data):
    return data


def chunked(chunks_text, route="/v1/create"):
    """A chunked POST whose body is `chunks_text` as written."""
    return build_request("POST", route, [JSON_TYPE, ("Transfer-Encoding", "chunked")]) + chunks_text


def C(name, data, status, field=None, half_close=False):
    statuses = (status,) if isinstance(status, int) else tuple(status)
    return Case(name, data, statuses, field, half_close)


# civetweb 1.15 reports a control character before the end of the headers
# like headers over its buffer; the server answers both with 431, and a
# request line it cannot parse with 400.
CTL = (400, 431)

PROTOCOL = [
    C("request line: method only", raw(b"GET\r\n\r\n"), 400),
    C("request line: HTTP/0.9 form", raw(b"GET /healthz\r\n\r\n"), 400),
    C("Host: none on HTTP/1.1", raw(b"GET /healthz HTTP/1.1\r\n\r\n"), 400),
    C("Host: two of them", raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400),
    C("Host: two on HTTP/1.0", raw(b"GET /healthz HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400),
    C("framing: GET with Content-Length 2abc",
      get("/healthz", [("Content-Length", "2abc")]) + b"{}", 400),
    C("framing: GET with Content-Length and chunked",
      get("/v1/messages", [("Content-Length", "0"), ("Transfer-Encoding", "chunked")]), 400),
    C("framing: GET with two different lengths",
      get("/v1/accounts/1/messages", [("Content-Length", "1"), ("Content-Length", "2")]) + b"xx",
      400),
    C("request line: a fourth word", raw(b"GET /healthz HTTP/1.1 extra\r\nHost: t\r\n\r\n"), 400),
    C("request line: lower-case method", raw(b"get /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: unknown protocol name", raw(b"GET /healthz HTTX/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: lower-case protocol", raw(b"GET /healthz http/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: version not digits", raw(b"GET /healthz HTTP/1.x\r\nHost: t\r\n\r\n"), 400),
    C("request line: version without minor", raw(b"GET /healthz HTTP/1\r\nHost: t\r\n\r\n"), 400),
    C("request line: empty version", raw(b"GET /healthz HTTP/\r\nHost: t\r\n\r\n"), 400),
    C("request line: version with letters", raw(b"GET /healthz HTTP/one.one\r\nHost: t\r\n\r\n"), 400),
    C("request line: three-part version", raw(b"GET /healthz HTTP/1.1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: control character in method", raw(b"G\x01T /healthz HTTP/1.1\r\nHost: t\r\n\r\n"), CTL),
    C("request line: 26-letter method", raw(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ /healthz HTTP/1.1\r\n\r\n"), 400),
    C("request line: CONNECT", raw(b"CONNECT example.com:443 HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: target without slash", raw(b"GET healthz HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: NUL in the path", raw(b"GET /heal\x00thz HTTP/1.1\r\nHost: t\r\n\r\n"), CTL),
    C("request line: raw space in the query",
      raw(b"GET /v1/messages?q=a b HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: DEL in the query", raw(b"GET /v1/messages?q=a\x7fb HTTP/1.1\r\nHost: t\r\n\r\n"), CTL),
    C("request line: raw 0xff in the query",
      raw(b"GET /v1/messages?q=\xff HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: raw UTF-8 in the query",
      raw(b"GET /v1/messages?q=\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n"), 400),
    C("request line: raw tab in the path", raw(b"GET /v1/messages/\tx HTTP/1.1\r\nHost: t\r\n\r\n"), CTL),
    C("a TLS ClientHello on the plain port",
      raw(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40), CTL),
    C("binary garbage", raw(bytes(range(1, 32)) + b"\r\n\r\n"), CTL),
]

HEADERS = [
    C("header: NUL in a value", get("/healthz", [("X-Filler", b"a\x00b")]), CTL),
    C("header: NUL in a name", get("/healthz", [(b"X-Fil\x00ler", "a")]), CTL),
    C("header: bare CR injecting a header", get("/healthz", [("X-Request-Id", b"a\rX-Injected: 1")]), 400),
    C("header: bare CR at the end of a value", get("/healthz", [("X-Filler", b"a\r")]), 400),
    C("header: line without a colon", get("/healthz", [(b"X-Injected 1", b"")]), 400),
    C("header: control character in a value", get("/healthz", [("X-Filler", b"a\x01b")]), CTL),
    C("header: escape sequence in a value", get("/healthz", [("X-Filler", b"\x1b[31mred")]), CTL),
    C("header: DEL in a value", get("/healthz", [("X-Filler", b"a\x7fb")]), CTL),
    # CRLF-looking text that is not a line break must not become one in the
    # response: the request id is replaced, the bad limit refused.
    C("injection: encoded CRLF in X-Request-Id",
      get("/v1/messages?limit=x", [("X-Request-Id", "a%0d%0aX-Injected:%201")]), 422, "limit"),
    C("injection: CRLF in X-Request-Id splits into a second header",
      get("/v1/messages?limit=x", [("X-Request-Id", b"abc\r\nX-Injected: 1")]), 422, "limit"),
    C("injection: request id of 65 characters",
      get("/v1/messages?limit=x", [("X-Request-Id", "a" * 65)]), 422, "limit"),
    C("injection: request id with a quote and braces",
      get("/v1/messages?limit=x", [("X-Request-Id", '"},{"a":"')]), 422, "limit"),
    C("injection: CRLF in the path's account id",
      get("/v1/accounts/1%0d%0aX-Injected:%201/messages"), 422, "account_id"),
    C("injection: CRLF in a query value",
      get("/v1/messages?sender_number=1%0d%0aX-Injected:%201"), 422, "sender_number"),
    C("injection: CRLF in Idempotency-Key",
      create(with_(sender_number="x"), [JSON_TYPE, ("Idempotency-Key", b"k\r\nX-Injected: 1")]),
      422, "sender_number"),
    C("injection: encoded CRLF in Idempotency-Key",
      create(with_(body=1), [JSON_TYPE, ("Idempotency-Key", "k%0d%0aX-Injected: 1")]), 422, "body"),
]

BODY_FRAMING = [
    C("Content-Length: negative", create(b"{}", [JSON_TYPE, ("Content-Length", "-1")]), 400),
    C("Content-Length: letters", create(b"{}", [JSON_TYPE, ("Content-Length", "abc")]), 400),
    C("Content-Length: digits then letters", create(b"{}", [JSON_TYPE, ("Content-Length", "2abc")]), 400),
    C("Content-Length: a plus sign", create(b"{}", [JSON_TYPE, ("Content-Length", "+2")]), 400),
    C("Content-Length: hexadecimal", create(b"{}", [JSON_TYPE, ("Content-Length", "0x2")]), 400),
    C("Content-Length: two different values",
      create(b"{}", [JSON_TYPE, ("Content-Length", "2"), ("Content-Length", "5")]), 400),
    C("Content-Length: a list", compat_create(b"{}", [JSON_TYPE, ("Content-Length", "2, 5")]), 400),
    C("Content-Length: beyond 64 bits", create(b"{}", [JSON_TYPE, ("Content-Length", "9" * 30)]), 413),
    C("Content-Length: over the limit, body never sent",
      create(b"", [JSON_TYPE, ("Content-Length", "1000000")]), 413),
    C("Content-Length and Transfer-Encoding together",
      compat_create(b"2\r\n{}\r\n0\r\n\r\n",
                    [JSON_TYPE, ("Transfer-Encoding", "chunked"), ("Content-Length", "13")]), 400),
    C("Transfer-Encoding: gzip", compat_create(b"{}", [JSON_TYPE, ("Transfer-Encoding", "gzip")]), 400),
    C("Transfer-Encoding: chunked twice",
      compat_create(b"{}", [JSON_TYPE, ("Transfer-Encoding", "chunked, chunked")]), 400),
    C("chunked: size not hexadecimal", chunked(b"zz\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: negative size", chunked(b"-2\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: size with a space before it", chunked(b" 2\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: a chunk extension", chunked(b"2;name=value\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: size of 16 f", chunked(b"ffffffffffffffff\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: size line of 80 digits", chunked(b"0" * 79 + b"2\r\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: data longer than its size", chunked(b"2\r\n{}xx\r\n0\r\n\r\n"), 400),
    C("chunked: size line ends in LF only", chunked(b"2\n{}\r\n0\r\n\r\n"), 400),
    C("chunked: the body ends before the last chunk", chunked(b"5\r\n{}"), 400, half_close=True),
    C("chunked: valid framing around invalid JSON", chunked(b"3\r\n{x}\r\n0\r\n\r\n"), 400),
]

CONTENT_TYPE = [
    C("v1 create: no Content-Type", create(with_(), []), 415),
    C("v1 create: text/plain", create(with_(), [("Content-Type", "text/plain")]), 415),
    C("v1 create: form encoding",
      create(b"sender_number=123", [("Content-Type", "application/x-www-form-urlencoded")]), 415),
    C("v1 create: multipart", create(with_(), [("Content-Type", "multipart/form-data; boundary=x")]), 415),
    C("v1 create: charset latin1",
      create(with_(), [("Content-Type", "application/json; charset=latin1")]), 415),
    C("v1 create: charset utf-16",
      create(with_(), [("Content-Type", "application/json; charset=utf-16")]), 415),
    C("v1 create: unbalanced quote in charset",
      create(with_(), [("Content-Type", 'application/json; charset="utf-8')]), 415),
    C("v1 create: a longer type name", create(with_(), [("Content-Type", "application/jsonx")]), 415),
    C("v1 create: wildcard", create(with_(), [("Content-Type", "*/*")]), 415),
    C("v1 create: SQL in Content-Type",
      create(with_(), [("Content-Type", "application/json' OR '1'='1")]), 415),
    C("compat create: text/plain", compat_create(compat(), [("Content-Type", "text/plain")]), 415),
]

JSON_SYNTAX = [
    C("json: empty body", create(b""), 400),
    C("json: whitespace only", create(b"  \r\n "), 400),
    C("json: lone brace", create(b"{"), 400),
    C("json: text after the object", create(with_() + b"}"), 400),
    C("json: two objects", create(with_() + with_()), 400),
    C("json: unterminated string", create(b'{"sender_number":"123'), 400),
    C("json: single quotes", create(b"{'sender_number':'123','receiver_number':'456'}"), 400),
    C("json: unquoted member name", create(b'{sender_number:"123"}'), 400),
    C("json: trailing comma", create(b'{"sender_number":"123","receiver_number":"456",}'), 400),
    C("json: missing colon", create(b'{"sender_number" "123"}'), 400),
    C("json: a comment", create(b'{"sender_number":"123" /* c */}'), 400),
    C("json: NaN", compat_create(b'{"account_id":NaN}'), 400),
    C("json: Infinity", compat_create(b'{"account_id":Infinity}'), 400),
    C("json: hexadecimal number", compat_create(b'{"account_id":0x2a}'), 400),
    C("json: leading zero",
      compat_create(b'{"account_id":042,"sender_number":"123","receiver_number":"456"}'), 400),
    C("json: plus sign", compat_create(b'{"account_id":+42}'), 400),
    C("json: bare decimal point",
      compat_create(b'{"account_id":42.,"sender_number":"123","receiver_number":"456"}'), 400),
    C("json: leading decimal point", compat_create(b'{"account_id":.5}'), 400),
    C("json: exponent without digits", compat_create(b'{"account_id":1e,"sender_number":"123"}'), 400),
    C("json: minus alone", compat_create(b'{"account_id":-}'), 400),
    C("json: top level array", create(b"[" + with_() + b"]"), 400),
    C("json: top level string", create(b'"hello"'), 400),
    C("json: top level number", create(b"42"), 400),
    C("json: top level null", compat_create(b"null"), 400),
    C("json: top level true", compat_create(b"true"), 400),
    C("json: invalid escape", create(b'{"body":"\\x41","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: short unicode escape",
      create(b'{"body":"\\u00","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: unicode escape not hex",
      create(b'{"body":"\\uZZZZ","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: lone high surrogate escape",
      create(b'{"body":"\\ud800","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: lone low surrogate escape",
      create(b'{"body":"\\udc00","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: high surrogate then a letter",
      create(b'{"body":"\\ud800\\u0041","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: raw newline in a string",
      create(b'{"body":"a\nb","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: raw tab in a string",
      create(b'{"body":"a\tb","sender_number":"123","receiver_number":"456"}'), 400),
    C("json: raw escape character in a string", compat_create(b'{"account_id":1,"body":"\x1b[2J"}'), 400),
    C("json: true misspelt", compat_create(b'{"account_id":1,"body":tru}'), 400),
    C("json: null in capitals", compat_create(b'{"account_id":1,"body":NULL}'), 400),
]

NON_UTF8 = [
    C("utf-8: 0xff in a string",
      create(b'{"body":"\xff","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: latin-1 text",
      create(b'{"body":"caf\xe9","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: lone continuation byte",
      create(b'{"body":"\x80","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: overlong slash",
      create(b'{"body":"\xc0\xaf","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: overlong NUL",
      create(b'{"body":"\xc0\x80","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: encoded surrogate",
      create(b'{"body":"\xed\xa0\x80","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: beyond U+10FFFF",
      create(b'{"body":"\xf4\x90\x80\x80","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: truncated sequence",
      create(b'{"body":"\xe2\x82","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: in a member name",
      create(b'{"b\xffody":"x","sender_number":"123","receiver_number":"456"}'), 400),
    C("utf-8: UTF-16 body",
      create('{"body":"x"}'.encode("utf-16"), [("Content-Type", "application/json")]), 400),
    C("utf-8: in the compat create",
      compat_create(b'{"account_id":1,"sender_number":"\xfe123","receiver_number":"456"}'), 400),
    C("utf-8: %FF in a query value", get("/v1/messages?q=%FF"), 400),
    C("utf-8: overlong %C0%AF in a query value", get("/v1/messages?q=%C0%AF"), 400),
    C("utf-8: encoded surrogate in a query value", get("/v1/messages?q=%ED%A0%80"), 400),
    C("utf-8: truncated in a query key", get("/v1/messages?%E2%82=1"), 400),
    C("utf-8: %FF in a path account id", get("/v1/accounts/%FF/messages"), 400),
    C("utf-8: %C3%28 in a path message id", get("/v1/messages/%C3%28"), 400),
    C("utf-8: in the compat search", get("/v1/search?q=%E9t%E9"), 400),
]

NUL = [
    C("nul: raw NUL between members",
      create(b'{"body":"x",\x00"sender_number":"123","receiver_number":"456"}'), 400),
    C("nul: raw NUL in a string",
      create(b'{"body":"x\x00y","sender_number":"123","receiver_number":"456"}'), 400),
    C("nul: raw NUL after the object", create(with_() + b"\x00"), 400),
    C("nul: escaped in body", create(with_(body="a\u0000b")), 422, "body"),
    C("nul: escaped in sender_number", create(with_(sender_number="123\u0000")), 422, "sender_number"),
    C("nul: escaped in receiver_number", create(with_(receiver_number="\u0000")), 422, "receiver_number"),
    C("nul: escaped in the compat body", compat_create(compat(body="\u0000")), 422, "body"),
    C("nul: %00 in a query value", get("/v1/messages?q=a%00b"), 400),
    C("nul: %00 in a query key", get("/v1/messages?q%00=a"), 400),
    C("nul: %00 in a path account id", get("/v1/accounts/1%00/messages"), 400),
    C("nul: %00 in a path message id", get("/v1/messages/%00"), 400),
    C("nul: %00 in the compat list", get("/v1/get/messages/4%002"), 400),
]

WRONG_TYPES = [
    C("type: sender_number a number", create(with_(sender_number=15551234567)), 422, "sender_number"),
    C("type: sender_number null", create(with_(sender_number=None)), 422, "sender_number"),
    C("type: sender_number true", create(with_(sender_number=True)), 422, "sender_number"),
    C("type: sender_number an array", create(with_(sender_number=["+15551234567"])), 422, "sender_number"),
    C("type: sender_number an object", create(with_(sender_number={"n": "1"})), 422, "sender_number"),
    C("type: receiver_number a float", create(with_(receiver_number=1.5)), 422, "receiver_number"),
    C("type: receiver_number false", create(with_(receiver_number=False)), 422, "receiver_number"),
    C("type: receiver_number an empty array", create(with_(receiver_number=[])), 422, "receiver_number"),
    C("type: body a number", create(with_(body=1)), 422, "body"),
    C("type: body true", create(with_(body=True)), 422, "body"),
    C("type: body an array of strings", create(with_(body=["a", "b"])), 422, "body"),
    C("type: body an object", create(with_(body={"text": "hi"})), 422, "body"),
    C("type: unknown member account_id in v1", create(with_(account_id=42)), 422, "account_id"),
    C("type: member name in another case",
      create(b'{"Sender_Number":"123","receiver_number":"456"}'), 422, "Sender_Number"),
    C("type: empty member name", create(b'{"":"x","sender_number":"123","receiver_number":"456"}'), 422, ""),
    C("type: missing sender_number", create(b'{"receiver_number":"456"}'), 422, "sender_number"),
    C("type: missing receiver_number", create(b'{"sender_number":"123"}'), 422, "receiver_number"),
    C("type: empty object", compat_create(b"{}"), 422, "account_id"),
    C("type: compat account_id a string", compat_create(compat(account_id="42")), 422, "account_id"),
    C("type: compat account_id null", compat_create(compat(account_id=None)), 422, "account_id"),
    C("type: compat account_id true", compat_create(compat(account_id=True)), 422, "account_id"),
    C("type: compat account_id an array", compat_create(compat(account_id=[42])), 422, "account_id"),
    C("type: compat account_id an object", compat_create(compat(account_id={"id": 42})), 422, "account_id"),
    C("type: compat account_id a fraction", compat_create(compat(account_id=1.5)), 422, "account_id"),
    C("type: compat sender_number a number",
      compat_create(compat(sender_number=5551234)), 422, "sender_number"),
    C("type: compat receiver_number null",
      compat_create(compat(receiver_number=None)), 422, "receiver_number"),
    C("type: compat body a number", compat_create(compat(body=5)), 422, "body"),
]

NUMBERS = [
    C("number: compat account_id 0", compat_create(compat(account_id=0)), 422, "account_id"),
    C("number: compat account_id -1", compat_create(compat(account_id=-1)), 422, "account_id"),
    C("number: compat account_id 2^53", compat_create(compat(account_id=2**53)), 422, "account_id"),
    C("number: compat account_id 2^63", compat_create(compat(account_id=2**63)), 422, "account_id"),
    C("number: compat account_id -2^63-1", compat_create(compat(account_id=-2**63 - 1)), 422, "account_id"),
    C("number: compat account_id of 30 digits", compat_create(compat(account_id=10**30)), 422, "account_id"),
    C("number: compat account_id 1e400",
      compat_create(b'{"account_id":1e400,' + NUMS + b"}"), 422, "account_id"),
    C("number: compat account_id -1e400",
      compat_create(b'{"account_id":-1e400,' + NUMS + b"}"), 422, "account_id"),
    C("number: compat account_id 1e-400",
      compat_create(b'{"account_id":1e-400,' + NUMS + b"}"), 422, "account_id"),
    C("number: compat account_id -0",
      compat_create(b'{"account_id":-0,"sender_number":"123","receiver_number":"456"}'), 422, "account_id"),
    C("number: path account_id 0", create(with_(), account="0"), 422, "account_id"),
    C("number: path account_id -1", create(with_(), account="-1"), 422, "account_id"),
    C("number: path account_id 2^53", create(with_(), account=str(2**53)), 422, "account_id"),
    C("number: path account_id of 30 digits", create(with_(), account="9" * 30), 422, "account_id"),
    C("number: path account_id of minus 30 digits",
      get("/v1/accounts/-%s/messages" % ("9" * 30)), 422, "account_id"),
    C("number: path account_id a fraction", get("/v1/accounts/1.5/messages"), 422, "account_id"),
    C("number: path account_id in exponent form", get("/v1/accounts/1e3/messages"), 422, "account_id"),
    C("number: path account_id hexadecimal", get("/v1/accounts/0x10/messages"), 422, "account_id"),
    C("number: path account_id with a space", get("/v1/accounts/%2042/messages"), 422, "account_id"),
    C("number: path account_id a sign only", get("/v1/accounts/-/messages"), 422, "account_id"),
    C("number: compat list account_id of 30 digits", get("/v1/get/messages/" + "9" * 30), 422, "account_id"),
    C("number: compat list account_id a word", get("/v1/get/messages/abc"), 422, "account_id"),
    C("number: compat list account_id 0", get("/v1/get/messages/0"), 422, "account_id"),
    C("number: compat list account_id -1", get("/v1/get/messages/-1"), 422, "account_id"),
    C("number: compat list account_id 2^53", get("/v1/get/messages/%d" % 2**53), 422, "account_id"),
    C("number: compat list account_id a fraction", get("/v1/get/messages/1.5"), 422, "account_id"),
    C("number: compat list account_id with an escaped slash",
      get("/v1/get/messages/2%2F3"), 422, "account_id"),
    C("number: compat search account_id a fraction", get("/v1/search?account_id=1.5"), 422, "account_id"),
    C("number: limit 0", get("/v1/accounts/42/messages?limit=0"), 422, "limit"),
    C("number: limit -1", get("/v1/accounts/42/messages?limit=-1"), 422, "limit"),
    C("number: limit 1001", get("/v1/accounts/42/messages?limit=1001"), 422, "limit"),
    C("number: limit of 30 digits", get("/v1/accounts/42/messages?limit=" + "9" * 30), 422, "limit"),
    C("number: limit minus 30 digits", get("/v1/messages?limit=-" + "9" * 30), 422, "limit"),
    C("number: limit a word", get("/v1/messages?limit=ten"), 422, "limit"),
    C("number: limit a fraction", get("/v1/messages?limit=1.5"), 422, "limit"),
    C("number: limit in exponent form", get("/v1/accounts/42/messages?limit=1e2"), 422, "limit"),
    C("number: limit with a space", get("/v1/accounts/42/messages?limit=%205"), 422, "limit"),
    C("number: search account_id of 30 digits",
      get("/v1/messages?account_id=" + "9" * 30), 422, "account_id"),
    C("number: search account_id 0 in a list", get("/v1/messages?account_id=1,0"), 422, "account_id"),
    C("number: compat search account_id -5", get("/v1/search?account_id=-5"), 422, "account_id"),
]

VALUES = [
    C("value: sender_number too short", create(with_(sender_number="12")), 422, "sender_number"),
    C("value: sender_number of 16 digits", create(with_(sender_number="1" * 16)), 422, "sender_number"),
    C("value: sender_number with two plus signs", create(with_(sender_number="++123")), 422, "sender_number"),
    C("value: sender_number with a letter", create(with_(sender_number="123a")), 422, "sender_number"),
    C("value: sender_number empty", create(with_(sender_number="")), 422, "sender_number"),
    C("value: sender_number with a space", create(with_(sender_number=" 123")), 422, "sender_number"),
    C("value: sender_number in full-width digits",
      create(with_(sender_number="１２３４")), 422, "sender_number"),
    C("value: receiver_number a plus sign only", create(with_(receiver_number="+")), 422, "receiver_number"),
    C("value: receiver_number with dashes",
      create(with_(receiver_number="555-1234")), 422, "receiver_number"),
    C("value: body of 1601 characters", create(with_(body="x" * 1601)), 422, "body"),
    C("value: body of 1601 emoji", compat_create(compat(body="\U0001f600" * 1601)), 422, "body"),
    C("value: Idempotency-Key of 256 characters",
      create(with_(), [JSON_TYPE, ("Idempotency-Key", "k" * 256)]), 422, "idempotency_key"),
    C("value: Idempotency-Key not ASCII",
      create(with_(), [JSON_TYPE, ("Idempotency-Key", "schlüssel".encode())]), 422, "idempotency_key"),
    C("value: message id too short", get("/v1/messages/" + UUID[:-1]), 422, "message_id"),
    C("value: message id too long", get("/v1/messages/" + UUID + "0"), 422, "message_id"),
    C("value: message id without dashes", get("/v1/messages/" + UUID.replace("-", "")), 422, "message_id"),
    C("value: message id with an escaped slash",
      get("/v1/messages/%2F..%2F..%2Fetc%2Fpasswd"), 422, "message_id"),
    C("value: message id in braces", get("/v1/messages/%7B" + UUID + "%7D"), 422, "message_id"),
    C("value: message id with a letter past f", get("/v1/messages/" + UUID[:-1] + "g"), 422, "message_id"),
    C("value: message id with a leading space", get("/v1/messages/%20" + UUID), 422, "message_id"),
    C("value: message id with a bad escape", get("/v1/messages/%ZZ" + UUID[3:]), 400),
    C("value: search message_id not a UUID", get("/v1/messages?message_id=nope"), 422, "message_id"),
    C("value: search sender_number with a letter",
      get("/v1/messages?sender_number=123x"), 422, "sender_number"),
    C("value: search receiver_number too short",
      get("/v1/messages?receiver_number=12"), 422, "receiver_number"),
    C("value: created_after a word", get("/v1/messages?created_after=yesterday"), 422, "created_after"),
    C("value: created_after month 13",
      get("/v1/messages?created_after=2026-13-01T00:00:00Z"), 422, "created_after"),
    C("value: created_after hour 25",
      get("/v1/messages?created_after=2026-01-01T25:00:00Z"), 422, "created_after"),
    C("value: created_before 30 February",
      get("/v1/messages?created_before=2026-02-30T00:00:00Z"), 422, "created_before"),
    C("value: created_before without a zone",
      get("/v1/messages?created_before=2026-01-01T00:00:00"), 422, "created_before"),
    C("value: created_before a Unix time",
      get("/v1/messages?created_before=1700000000"), 422, "created_before"),
    C("value: created_before year 99999",
      get("/v1/messages?created_before=99999-01-01T00:00:00Z"), 422, "created_before"),
    C("value: q without words", get("/v1/messages?q=%21%21%20..."), 422, "q"),
    C("value: q of spaces", get("/v1/messages?q=%20%20%20"), 422, "q"),
    C("value: q of 1001 bytes", get("/v1/messages?q=" + "a" * 1001), 422, "q"),
    C("value: q of 33 words", get("/v1/messages?q=" + "+".join("w%d" % i for i in range(33))), 422, "q"),
    C("value: a damaged cursor", get("/v1/accounts/42/messages?cursor=AAAA"), 422, "cursor"),
    C("value: a cursor of the right length but wrong", get("/v1/messages?cursor=" + "A" * 48), 422, "cursor"),
    C("value: compat search message_id not a UUID", get("/v1/search?message_id=1234"), 422, "message_id"),
    C("value: compat search created_after a word",
      get("/v1/search?created_after=never"), 422, "created_after"),
    C("value: compat search q without words", get("/v1/search?q=---"), 422, "q"),
    C("value: compat search receiver_number a word",
      get("/v1/search?receiver_number=abc"), 422, "receiver_number"),
    C("value: compat search created_before 30 February",
      get("/v1/search?created_before=2026-02-30T00:00:00Z"), 422, "created_before"),
    C("value: compat search q of 1001 bytes", get("/v1/search?q=" + "a" * 1001), 422, "q"),
]

QUERY = [
    C("query: bare percent", get("/v1/messages?q=%"), 400),
    C("query: one hex digit", get("/v1/messages?q=%4"), 400),
    C("query: non-hex escape", get("/v1/messages?q=%G0"), 400),
    C("query: letters after percent", get("/v1/messages?q=%zz"), 400),
    C("query: double percent", get("/v1/messages?q=%%41"), 400),
    C("query: bad escape in a key", get("/v1/messages?%ZZ=1"), 400),
    C("query: bad escape in the list route", get("/v1/accounts/42/messages?limit=%"), 400),
    C("query: bad escape in the compat search", get("/v1/search?q=%x1"), 400),
    C("query: unknown parameter on search", get("/v1/messages?sender=1"), 400, "sender"),
    C("query: unknown parameter on list", get("/v1/accounts/42/messages?offset=10"), 400, "offset"),
    C("query: parameter name in capitals", get("/v1/messages?Limit=10"), 400, "Limit"),
    C("query: parameter name with brackets", get("/v1/messages?account_id%5B%5D=1"), 400, "account_id[]"),
    C("query: limit twice on list", get("/v1/accounts/42/messages?limit=1&limit=2"), 400, "limit"),
    C("query: cursor twice on list", get("/v1/accounts/42/messages?cursor=a&cursor=b"), 400, "cursor"),
    C("query: q twice", get("/v1/messages?q=a&q=b"), 400, "q"),
    C("query: created_after twice",
      get("/v1/messages?created_after=2026-01-01T00:00:00Z&created_after=2026-01-02T00:00:00Z"),
      400, "created_after"),
    C("query: created_before twice on compat",
      get("/v1/search?created_before=2026-01-01T00:00:00Z&created_before=2026-01-02T00:00:00Z"),
      400, "created_before"),
    C("query: q twice on compat", get("/v1/search?q=a&q=b"), 400, "q"),
    C("query: 1001 parameters", get("/v1/messages?" + "&".join("q=%d" % i for i in range(1001))), 400),
    C("query: 1001 empty parameters", get("/v1/messages?" + "&" * 1000), 400),
    C("query: 101 account ids",
      get("/v1/messages?account_id=" + ",".join(str(i) for i in range(1, 102))), 422, "account_id"),
    C("query: 101 message ids repeated",
      get("/v1/messages?" + "&".join(["message_id=" + UUID] * 101)), 422, "message_id"),
    C("query: 101 receiver numbers",
      get("/v1/messages?receiver_number=" + ",".join(str(1000 + i) for i in range(101))),
      422, "receiver_number"),
    C("query: 101 sender numbers on compat",
      get("/v1/search?sender_number=" + ",".join(str(1000 + i) for i in range(101))), 422, "sender_number"),
    C("query: 2000 commas", get("/v1/messages?account_id=1" + "," * 2000 + "x"), 422, "account_id"),
    C("query: %00 in the compat search", get("/v1/search?message_id=%00"), 400),
    C("query: 1001 parameters on the compat search", get("/v1/search?" + "&".join(["x=1"] * 1001)), 400),
    C("query: bad escape in the compat list path", get("/v1/get/messages/%G1"), 400),
]

NESTING = [
    C("nesting: 30000 open brackets", create(b"[" * 30000), 400),
    C("nesting: 20000 brackets balanced", create(b"[" * 20000 + b"]" * 20000), 400),
    C("nesting: 5000 objects in body", create(b'{"body":' + b'{"a":' * 5000 + b"1" + b"}" * 5001), 400),
    # 64 levels, the top object included, are read (and refused by type);
    # one more is refused before cJSON recurses into it.
    C("nesting: 63 arrays in body",
      create(b"{" + NUMS + b',"body":' + b"[" * 63 + b"]" * 63 + b"}"), 422, "body"),
    C("nesting: 64 arrays in body",
      create(b'{"sender_number":"123","receiver_number":"456","body":' + b"[" * 64 + b"]" * 64 + b"}"), 400),
    C("nesting: 63 objects in an unknown member",
      create(b'{"deep":' + b'{"a":' * 63 + b"1" + b"}" * 64), 422, "deep"),
    C("nesting: 900 objects in an unknown member",
      create(b'{"deep":' + b'{"a":' * 900 + b"1" + b"}" * 901), 400),
    C("nesting: 2000 objects on compat",
      compat_create(b'{"account_id":1,"x":' + b'{"a":' * 2000 + b"1" + b"}" * 2001), 400),
    C("array: 20000 numbers as sender_number",
      create(b'{"sender_number":[' + b"0," * 19999 + b'0],"receiver_number":"456"}'), 422, "sender_number"),
    C("array: 10000 strings as body",
      create(b"{" + NUMS + b',"body":[' + b'"a",' * 9999 + b'"a"]}'), 422, "body"),
    C("array: 15000 empty objects at the top", create(b"[" + b"{}," * 14999 + b"{}]"), 400),
    C("array: 5000 members", create(b"{" + b",".join(b'"m%d":1' % i for i in range(5000)) + b"}"), 422, "m0"),
    C("array: 3000 copies of one member",
      compat_create(b"{" + b",".join([b'"account_id":1'] * 3000) + b"}"), 400, "account_id"),
]

DUPLICATES = [
    C("duplicate: sender_number",
      create(b'{"sender_number":"123","sender_number":"456","receiver_number":"789"}'), 400, "sender_number"),
    C("duplicate: body, second null",
      create(b'{"sender_number":"123","receiver_number":"456","body":"a","body":null}'), 400, "body"),
    C("duplicate: spelt with an escape",
      create(b'{"sender_number":"123","receiver_number":"456","body":"a","b\\u006fdy":"b"}'), 400, "body"),
    C("duplicate: inside a nested object",
      create(b'{"sender_number":"123","receiver_number":"456","x":{"k":1,"k":2}}'), 400, "k"),
    C("duplicate: compat account_id",
      compat_create(b'{"account_id":1,"account_id":2,' + NUMS + b"}"), 400, "account_id"),
    C("duplicate: compat unknown member",
      compat_create(b'{"account_id":1,"sender_number":"123","receiver_number":"456","x":1,"x":1}'), 400, "x"),
]

# SQL metacharacters in every field where they are not valid text: each is
# refused by the field's own rule, naming the field.
SQL_FIELDS = [
    C("sql: in the create path account id", create(with_(), account=q(SQL)), 422, "account_id"),
    C("sql: in the list path account id",
      get("/v1/accounts/%s/messages" % q("1; DROP TABLE messages")), 422, "account_id"),
    C("sql: in the get path message id", get("/v1/messages/" + q("x' OR 1=1 --")), 422, "message_id"),
    C("sql: in the compat list account id",
      get("/v1/get/messages/" + q("1 UNION SELECT 1")), 422, "account_id"),
    C("sql: in sender_number", create(with_(sender_number="123" + SQL_DROP)), 422, "sender_number"),
    C("sql: in receiver_number", create(with_(receiver_number=SQL)), 422, "receiver_number"),
    C("sql: as an unknown member name", create(with_(**{SQL_DROP: 1})), 422, SQL_DROP),
    C("sql: in the compat account id", compat_create(compat(account_id="1 OR 1=1")), 422, "account_id"),
    C("sql: in the compat sender_number", compat_create(compat(sender_number=SQL)), 422, "sender_number"),
    C("sql: in the search account_id", get("/v1/messages?account_id=" + q("1) OR (1=1")), 422, "account_id"),
    C("sql: in the search message_id", get("/v1/messages?message_id=" + q(SQL)), 422, "message_id"),
    C("sql: in the search sender_number",
      get("/v1/messages?sender_number=" + q(SQL_DROP)), 422, "sender_number"),
    C("sql: in the search receiver_number",
      get("/v1/messages?receiver_number=" + q("%' --")), 422, "receiver_number"),
    C("sql: in created_after",
      get("/v1/messages?created_after=" + q("2026-01-01T00:00:00Z' OR '1'='1")), 422, "created_after"),
    C("sql: in created_before", get("/v1/messages?created_before=" + q("now(); --")), 422, "created_before"),
    C("sql: in limit", get("/v1/messages?limit=" + q("1; DELETE FROM messages")), 422, "limit"),
    C("sql: in cursor", get("/v1/accounts/42/messages?cursor=" + q("' OR 1=1 --")), 422, "cursor"),
    C("sql: as an unknown parameter name", get("/v1/messages?" + q("limit'--") + "=1"), 400, "limit'--"),
    C("sql: in Idempotency-Key with a control byte",
      create(with_(), [JSON_TYPE, ("Idempotency-Key", "'\x7f--")]), CTL),
    C("sql: in the compat search message_id",
      get("/v1/search?message_id=" + q("'; SELECT pg_sleep(10); --")), 422, "message_id"),
]

METHODS = [
    C("method: PUT on v1 messages of an account",
      build_request("PUT", "/v1/accounts/42/messages", [JSON_TYPE], with_()), 405),
    C("method: DELETE on a message", build_request("DELETE", "/v1/messages/" + UUID), 405),
    C("method: PATCH on the search", build_request("PATCH", "/v1/messages", [JSON_TYPE], b"{}"), 405),
    C("method: GET on the compat create", get("/v1/create"), 405),
    C("method: POST on the compat list",
      build_request("POST", "/v1/get/messages/42", [JSON_TYPE], b"{}"), 405),
    C("method: DELETE on the compat search", build_request("DELETE", "/v1/search"), 405),
    C("method: POST on a message", build_request("POST", "/v1/messages/" + UUID, [JSON_TYPE], with_()), 405),
    C("method: TRACE on health", build_request("TRACE", "/healthz"), (400, 405)),
    C("path: unknown route", get("/v1/accounts"), 404),
    C("path: double slash", get("/v1//messages"), 404),
    C("path: dot segments", get("/v1/messages/../../etc/passwd"), 404),
    C("path: trailing slash", get("/v1/accounts/42/messages/"), 404),
]

TABLE = (PROTOCOL + HEADERS + BODY_FRAMING + CONTENT_TYPE + JSON_SYNTAX + NON_UTF8 + NUL
         + WRONG_TYPES + NUMBERS + VALUES + QUERY + NESTING + DUPLICATES + SQL_FIELDS + METHODS)

# Payloads that are plain text where text is allowed: they must come back
# exactly as sent.
SQL_TEXTS = [
    SQL_DROP,
    SQL,
    '" OR ""="',
    "Robert'); DROP TABLE messages;--",
    "1; DELETE FROM messages WHERE 1=1",
    "%_\\ LIKE '%' ESCAPE '\\'",
    "$1 $$ E'\\x00' $tag$ ::text",
    "/* comment */ SELECT * FROM messages -- end",
    "`backticks` [brackets] \"quotes\" ;",
    "' UNION SELECT message_id, body FROM messages --",
]


def words(text):
    """The words search matches on, for the ASCII texts above: runs of
    letters and digits, case folded."""
    return set(re.findall(r"[^\W_]+", text.lower()))


class BadInputTest(ApiCase):
    """The table above against one server of its own (default limits), so
    that its exit status and stderr belong to this suite alone."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(["--drain-delay-ms", "0"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        cls.server.__exit__()
        assert status == 0, "msg-server exited with %s: %s" % (status, cls.server.stderr_text())

    def test_the_table_has_at_least_200_cases_with_unique_names(self):
        names = [c.name for c in TABLE]
        self.assertGreaterEqual(len(TABLE), 200)
        self.assertEqual(len(names), len(set(names)), "repeated case names")

    def test_every_malformed_request__is_a_4xx_problem_and_the_server_stays_healthy(self):
        for i, case in enumerate(TABLE):
            with self.subTest(case=case.name):
                self.check_case(case)
            if i % HEALTH_EVERY == HEALTH_EVERY - 1 or i == len(TABLE) - 1:
                self.assertHealthy("after case %d (%s)" % (i, case.name))
        self.assertEqual(len(self.server.logs()) > 0, True)  # every log line is a JSON object

    def assertHealthy(self, when):
        self.assertIsNone(self.server.proc.poll(), "msg-server exited " + when)
        r = self.server.request("GET", "/healthz")
        self.assertEqual(r.status, 200, when)

    def check_case(self, case):
        r = self.server.exchange(case.data, timeout=30, half_close=case.half_close)
        for name in INJECTED:
            self.assertNotIn(name, r.headers, "an injected header reached the response")
        self.assertIn(r.status, case.status, r)
        self.assertGreaterEqual(r.status, 400, r)
        self.assertLess(r.status, 500, r)
        self.assertEqual(r.content_type, PROBLEM, r)
        p = r.json()
        self.assertEqual(p["type"], "about:blank")
        self.assertEqual(p["status"], r.status)
        self.assertIsInstance(p["title"], str)
        self.assertTrue(p["title"])
        self.assertIsInstance(p["detail"], str)
        self.assertTrue(p["detail"])
        request_id = r.headers.get("X-Request-Id")
        self.assertRegex(request_id, r"^[A-Za-z0-9._:-]{1,64}$")
        self.assertEqual(p["request_id"], request_id)
        if case.field is None:
            self.assertNotIn("errors", p, r)
        else:
            self.assertEqual([e["field"] for e in p["errors"]], [case.field], r)
            self.assertTrue(p["errors"][0]["message"])

    def test_a_well_formed_version_other_than_1_0_and_1_1__is_505_not_malformed(self):
        # The one 5xx the request line can earn: HTTP/2.0 is well formed,
        # just not served here (the table has the malformed versions).
        for version in ("HTTP/2.0", "HTTP/1.2", "HTTP/9.9"):
            with self.subTest(version=version):
                r = self.server.exchange(build_request("GET", "/healthz", version=version))
                self.assertEqual(r.status, 505, r)
                self.assertEqual(r.content_type, PROBLEM)
                self.assertEqual(r.json()["status"], 505)
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)

    def test_sql_metacharacters_in_text__are_stored_and_returned_verbatim(self):
        srv = self.server
        account = new_account()
        sender = new_number()
        made = []
        for i, text in enumerate(SQL_TEXTS):
            r = srv.request("POST", "/v1/accounts/%d/messages" % account,
                            json_body={"sender_number": sender, "receiver_number": new_number(),
                                       "body": text},
                            headers={"Idempotency-Key": "%s #%d" % (SQL, i)})
            m = self.assertJson(r, 201)
            self.assertEqual(m["body"], text)
            made.append(m)
        # The idempotency key with quotes is a key like any other: a replay
        # returns the first message.
        r = srv.request("POST", "/v1/accounts/%d/messages" % account,
                        json_body={"sender_number": sender, "receiver_number": made[0]["receiver_number"],
                                   "body": SQL_TEXTS[0]},
                        headers={"Idempotency-Key": "%s #0" % SQL})
        self.assertEqual(self.assertJson(r, 200), made[0])
        for m in made:
            self.assertEqual(self.assertJson(srv.request("GET", "/v1/messages/" + m["message_id"]), 200), m)
        # The compatibility create stores them verbatim too.
        r = srv.request("POST", "/v1/create", json_body={"account_id": account, "sender_number": sender,
                                                          "receiver_number": "+15557654321",
                                                          "body": SQL_DROP})
        made.append(self.assertJson(r, 200))
        self.assertEqual(made[-1]["body"], SQL_DROP)
        # A search by such text finds exactly the messages holding all of its
        # words (text without words is refused), and listing returns every one.
        for text in SQL_TEXTS[:3] + ["%", "*", "NEAR(a b)", "drop table", "' OR ''='"]:
            with self.subTest(q=text):
                r = srv.request("GET", "/v1/messages?account_id=%d&q=%s" % (account, q(text)))
                wanted = words(text)
                if not wanted:
                    self.assertProblem(r, 422, "q")
                    continue
                expected = [m["message_id"] for m in made if wanted <= words(m["body"])]
                self.assertEqual(sorted(m["message_id"] for m in self.assertPage(r)["data"]),
                                 sorted(expected))
        page = self.assertPage(srv.request("GET", "/v1/accounts/%d/messages?limit=100" % account))
        self.assertEqual(sorted(m["message_id"] for m in page["data"]),
                         sorted(m["message_id"] for m in made))
        compat_page = srv.request("GET", "/v1/get/messages/%d" % account)
        self.assertEqual(len(self.assertJson(compat_page, 200)), len(made))
        # The table still works for everyone else.
        fresh = self.created(srv=srv)
        again = srv.request("GET", "/v1/messages/" + fresh["message_id"])
        self.assertEqual(self.assertJson(again, 200), fresh)

    def created(self, account=None, srv=None, **fields):
        r, account, _ = self.create(account, srv=srv, **fields)
        self.assertEqual(r.status, 201, r)
        return r.json()
