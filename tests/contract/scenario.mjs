// The contract scenario: requests over every operation of a running
// msg-server, each response checked against server/openapi.json by
// tools/contract/validate.mjs (status, media type, body, headers), the
// X-Request-Id echo rule checked on its own, then the checker's negative
// tests (responses that break the description must be caught). Requests are
// written on raw sockets so that the malformed ones reach the server as sent.
// Prints one line per check ("ok   ..." or "FAIL ..."); run.sh counts them.
//
// Environment (set by run.sh): MSG_CONTRACT_OPENAPI (the description),
// MSG_CONTRACT_PORT (msg-server, --auth none, --request-timeout-ms 400,
// --max-body-bytes 4096, --drain-delay-ms long), MSG_CONTRACT_PID (that
// server's pid: the scenario ends by sending it SIGTERM to see readiness
// drop), MSG_CONTRACT_AUTH_PORT and MSG_CONTRACT_TOKEN (a second msg-server,
// --auth apikey, and a key for account 42).
import { readFileSync } from "node:fs";
import net from "node:net";
import { Contract } from "../../tools/contract/validate.mjs";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const openapiText = readFileSync(env("MSG_CONTRACT_OPENAPI"), "utf8");
const contract = new Contract(JSON.parse(openapiText));
const port = Number(env("MSG_CONTRACT_PORT"));
const authPort = Number(env("MSG_CONTRACT_AUTH_PORT"));
const token = env("MSG_CONTRACT_TOKEN");
const serverPid = Number(env("MSG_CONTRACT_PID"));

let failures = 0;
function report(ok, name, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures++;
}

// Sends `head` (and `body` after `pauseMs`), reads until the server closes
// or the response is complete; resolves {status, headers, body}.
function exchange(toPort, head, body = Buffer.alloc(0), pauseMs = 0) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: toPort });
    const chunks = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no response within 5 s"));
    }, 5000);
    socket.on("connect", () => {
      socket.write(head);
      if (body.length === 0) return;
      if (pauseMs > 0) setTimeout(() => socket.writable && socket.write(body), pauseMs);
      else socket.write(body);
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (e) => {
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return reject(new Error(`not an HTTP response: ${JSON.stringify(data.toString())}`));
      const lines = data.subarray(0, end).toString("latin1").split("\r\n");
      const status = Number(lines[0].split(" ")[1]);
      const headers = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      resolve({ status, headers, body: data.subarray(end + 4).toString("utf8") });
    });
  });
}

// A request as a client would send it; Connection: close ends each exchange.
function request({ method = "GET", path, headers = {}, body, toPort = port, pauseMs = 0, rawHead }) {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  let head = rawHead;
  if (head === undefined) {
    head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body !== undefined) head += `Content-Length: ${payload.length}\r\n`;
    head += "\r\n";
  }
  return exchange(toPort, Buffer.from(head, "latin1"), payload, pauseMs);
}

const json = { "Content-Type": "application/json" };
const generatedId = /^[0-9a-f]{32}$|^local-[0-9]+$/;
const seen = new Map(); // operationId -> statuses seen
const captured = {}; // a few responses for the negative tests

// One step: send, check the status the scenario expects, the contract and
// the request id (echoed when `id` is sent and `echo`, generated otherwise).
async function step(name, operationId, req, expectStatus, { id, echo = true, also } = {}) {
  if (id !== undefined && !req.rawHead) req.headers = { ...(req.headers ?? {}), "X-Request-Id": id };
  let res;
  try {
    res = await request(req);
  } catch (e) {
    report(false, `${operationId} ${name}`, e.message);
    return undefined;
  }
  const problems = [];
  if (res.status !== expectStatus) problems.push(`status ${res.status}, the scenario expects ${expectStatus}`);
  problems.push(...contract.check(operationId, res));
  const rid = res.headers["x-request-id"];
  if (id !== undefined && echo && rid !== id) problems.push(`X-Request-Id ${rid} does not echo ${id}`);
  if (id !== undefined && !echo && (rid === id || !generatedId.test(rid ?? "")))
    problems.push(`X-Request-Id ${rid} is not a generated id`);
  if (also) problems.push(...also(res));
  report(problems.length === 0, `${operationId} ${name} -> ${res.status}`, problems.join("; "));
  if (!seen.has(operationId)) seen.set(operationId, new Set());
  seen.get(operationId).add(res.status);
  return res;
}

const sender = "+15551234567";
const receiver = "+15557654321";
const newMessage = JSON.stringify({ sender_number: sender, receiver_number: receiver, body: "Grüße aus Köln" });

// --- messages -------------------------------------------------------------
const created = await step("a new message", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: { ...json, "Idempotency-Key": "order-17" }, body: newMessage },
  201, { id: "contract-create-1",
    also: (r) => (r.headers.location === `/v1/messages/${JSON.parse(r.body).message_id}` ? [] : ["Location is not the message's URL"]) });
captured.created = created;
await step("the same request again", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: { ...json, "Idempotency-Key": "order-17" }, body: newMessage },
  200, { also: (r) => (r.headers["idempotent-replayed"] === "true" ? [] : ["not marked Idempotent-Replayed"]) });
await step("a second message", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: json,
    body: JSON.stringify({ sender_number: sender, receiver_number: receiver, body: null }) }, 201);
await step("a bad sender_number", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: json,
    body: JSON.stringify({ sender_number: "12", receiver_number: receiver }) },
  422, { also: (r) => (JSON.parse(r.body).errors?.[0]?.field === "sender_number" ? [] : ["errors does not name sender_number"]) });
await step("malformed JSON", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: json, body: "{\"sender_number\":" }, 400);
await step("text/plain", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: { "Content-Type": "text/plain" }, body: newMessage }, 415);
await step("a body over --max-body-bytes", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: json,
    body: JSON.stringify({ sender_number: sender, receiver_number: receiver, body: "x".repeat(5000) }) }, 413);
await step("a bad percent-escape in the path", "createMessage",
  { method: "POST", path: "/v1/accounts/%zz/messages", headers: json, body: newMessage }, 400);
await step("a body sent too late", "createMessage",
  { method: "POST", path: "/v1/accounts/42/messages", headers: json, body: newMessage, pauseMs: 1500 },
  408, { id: "contract-late-body" });

const page1 = await step("page 1", "listMessages", { path: "/v1/accounts/42/messages?limit=1" }, 200,
  { also: (r) => (JSON.parse(r.body).next_cursor ? [] : ["no next_cursor on a full page"]) });
captured.page = page1;
const cursor = page1 ? JSON.parse(page1.body).next_cursor : "";
await step("page 2", "listMessages",
  { path: `/v1/accounts/42/messages?limit=1&cursor=${encodeURIComponent(cursor ?? "")}` }, 200,
  { also: (r) => (JSON.parse(r.body).next_cursor === null ? [] : ["page 2 of 2 has a next_cursor"]) });
await step("an unknown parameter", "listMessages", { path: "/v1/accounts/42/messages?colour=red" }, 400);
await step("limit 0", "listMessages", { path: "/v1/accounts/42/messages?limit=0" }, 422);

const messageId = created ? JSON.parse(created.body).message_id : "00000000-0000-7000-8000-000000000000";
await step("an existing message", "getMessage", { path: `/v1/messages/${messageId}` }, 200);
await step("an unknown id", "getMessage", { path: "/v1/messages/01a24274-4835-7bfb-b294-000000000000" }, 404);
await step("an id that is not a UUID", "getMessage", { path: "/v1/messages/not-a-uuid" }, 422);
await step("a bad percent-escape in the path", "getMessage", { path: "/v1/messages/%zz" }, 400);

await step("by words and sender", "searchMessages",
  { path: `/v1/messages?account_id=42&sender_number=${encodeURIComponent(sender)}&q=gr%C3%BC%C3%9Fe` }, 200,
  { also: (r) => (JSON.parse(r.body).data.length === 1 ? [] : ["the search does not find the message"]) });
await step("a bad created_after", "searchMessages", { path: "/v1/messages?account_id=42&created_after=yesterday" }, 422);
await step("an invalid escape in the query", "searchMessages", { path: "/v1/messages?q=%e2%28" }, 400);

// --- the old service's routes ---------------------------------------------
await step("the status line", "compatRoot", { path: "/" }, 200);
await step("a new message", "compatCreateMessage",
  { method: "POST", path: "/v1/create", headers: json,
    body: JSON.stringify({ account_id: 43, sender_number: sender, receiver_number: receiver }) }, 200);
await step("no account_id", "compatCreateMessage",
  { method: "POST", path: "/v1/create", headers: json,
    body: JSON.stringify({ sender_number: sender, receiver_number: receiver }) }, 422);
await step("an account", "compatListMessages", { path: "/v1/get/messages/42" }, 200,
  { also: (r) => (JSON.parse(r.body).length === 2 ? [] : ["not the account's 2 messages"]) });
await step("a bad percent-escape in the path", "compatListMessages", { path: "/v1/get/messages/%zz" }, 400,
  { id: "contract-compat-escape" });
await step("an account that is not a number", "compatListMessages", { path: "/v1/get/messages/abc" }, 422);
await step("by message id", "compatSearchMessages", { path: `/v1/search?message_id=${messageId}` }, 200);
await step("a bad message id", "compatSearchMessages", { path: "/v1/search?message_id=nope" }, 422);

// --- operations -----------------------------------------------------------
await step("alive", "healthz", { path: "/healthz" }, 200);
await step("ready", "readyz", { path: "/readyz" }, 200);
await step("the metrics", "metrics", { path: "/metrics" }, 200);
await step("the description", "openapi", { path: "/openapi.json" }, 200,
  { also: (r) => (r.body === openapiText ? [] : ["the served description is not server/openapi.json"]) });
await step("the page", "docs", { path: "/docs" }, 200);

// --- limits, where the request id cannot always be read -------------------
const big = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: contract-big\r\n" +
  `X-Padding: ${"a".repeat(20000)}\r\n\r\n`;
captured.tooLarge = await step("headers over --max-header-bytes", "healthz", { rawHead: big }, 431,
  { id: "contract-big", echo: false,
    also: (r) => (r.headers.connection === "close" ? [] : ["no Connection: close"]) });
let many = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: contract-many\r\n";
for (let i = 0; i < 70; i++) many += `X-Header-${i}: ${i}\r\n`;
await step("too many header lines", "healthz", { rawHead: `${many}\r\n` }, 431, { id: "contract-many" });
await step("headers sent too slowly", "healthz",
  { rawHead: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: contract-slow\r\n" }, 408,
  { id: "contract-slow", echo: false });
await step("a malformed header line", "healthz",
  { rawHead: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: contract-fold\r\nX-A: 1\r\n folded\r\n\r\n" },
  400, { id: "contract-fold", echo: false });

// --- API keys (the second server) -----------------------------------------
await step("no key", "listMessages", { path: "/v1/accounts/42/messages", toPort: authPort }, 401);
await step("an unknown key", "listMessages",
  { path: "/v1/accounts/42/messages", toPort: authPort, headers: { Authorization: "Bearer nope" } }, 401,
  { also: (r) => (/invalid_token/.test(r.headers["www-authenticate"] ?? "") ? [] : ["no invalid_token"]) });
await step("another account's key", "listMessages",
  { path: "/v1/accounts/43/messages", toPort: authPort, headers: { Authorization: `Bearer ${token}` } }, 403);
await step("the account's key", "listMessages",
  { path: "/v1/accounts/42/messages", toPort: authPort, headers: { Authorization: `Bearer ${token}` } }, 200);
await step("a search beyond the key's account", "searchMessages",
  { path: "/v1/messages?account_id=43", toPort: authPort, headers: { Authorization: `Bearer ${token}` } }, 403);

// --- draining: readiness drops while requests are still served ------------
process.kill(serverPid, "SIGTERM");
await new Promise((r) => setTimeout(r, 200));
await step("while draining", "readyz", { path: "/readyz" }, 503);
await step("alive while draining", "healthz", { path: "/healthz" }, 200,
  { also: (r) => (r.headers.connection === "close" ? [] : ["no Connection: close while draining"]) });

// --- coverage: every operation of the description was called and answered 2xx
for (const operationId of contract.operations.keys()) {
  const statuses = [...(seen.get(operationId) ?? [])];
  report(statuses.some((s) => s >= 200 && s < 300), `coverage: ${operationId} answered 2xx`,
    statuses.length ? `statuses ${statuses.join(", ")}` : "never called");
}

// --- the checker's negative tests: broken copies of real responses --------
function negative(name, operationId, base, mutate) {
  if (!base) return report(false, `negative: ${name}`, "no response captured to break");
  const broken = { status: base.status, headers: { ...base.headers }, body: base.body };
  mutate(broken);
  const errors = contract.check(operationId, broken);
  report(errors.length > 0, `negative: ${name} is caught`, errors[0] ?? "the checker accepted it");
}
const withBody = (f) => (r) => {
  const body = JSON.parse(r.body);
  f(body);
  r.body = JSON.stringify(body);
};
negative("account_id as a string", "createMessage", captured.created, withBody((b) => { b.account_id = "42"; }));
negative("a message without created_at", "createMessage", captured.created, withBody((b) => { delete b.created_at; }));
negative("a malformed message_id", "createMessage", captured.created, withBody((b) => { b.message_id = "42"; }));
negative("no Location on 201", "createMessage", captured.created, (r) => { delete r.headers.location; });
negative("no X-Request-Id", "createMessage", captured.created, (r) => { delete r.headers["x-request-id"]; });
negative("an X-Request-Id over 64 characters", "createMessage", captured.created,
  (r) => { r.headers["x-request-id"] = "a".repeat(65); });
negative("text/plain instead of JSON", "createMessage", captured.created, (r) => { r.headers["content-type"] = "text/plain"; });
negative("a body that is not JSON", "createMessage", captured.created, (r) => { r.body = "{"; });
negative("an undocumented status", "createMessage", captured.created, (r) => { r.status = 418; });
negative("an unknown member in a page", "listMessages", captured.page, withBody((b) => { b.total = 2; }));
negative("a problem without request_id", "healthz", captured.tooLarge, withBody((b) => { delete b.request_id; }));
negative("a problem as application/json", "healthz", captured.tooLarge, (r) => { r.headers["content-type"] = "application/json"; });

process.exit(failures === 0 ? 0 : 1);
