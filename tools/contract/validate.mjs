// Checks one HTTP response against server/openapi.json: the status is one
// the operation documents, the media type is one of that response's content
// types, the body validates against its JSON Schema (2020-12, Ajv), every
// header marked `required` is present and every documented header that is
// present validates against its schema. Returns the list of differences
// (empty when the response keeps the contract); tests/contract uses it.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const SCHEMAS_ID = "urn:msg-server:openapi:schemas";

// OpenAPI 3.1 schemas are JSON Schema 2020-12 plus these annotation keywords;
// everything else unknown is an error (Ajv's strict mode catches typos).
const OPENAPI_KEYWORDS = ["example", "discriminator", "xml", "externalDocs"];

// A reference inside components.schemas, rewritten into the $defs of one
// schema document Ajv knows by id.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/"))
      out[key] = `${SCHEMAS_ID}#/$defs/${value.slice("#/components/schemas/".length)}`;
    else out[key] = rewriteRefs(value);
  }
  return out;
}

function pointer(doc, ref) {
  if (!ref.startsWith("#/")) throw new Error(`only local references are supported: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === undefined || !(part in node)) throw new Error(`dangling reference ${ref}`);
    node = node[part];
  }
  return node;
}

// A Reference Object may carry a description beside $ref (OpenAPI 3.1).
function resolve(doc, node) {
  while (node && typeof node === "object" && "$ref" in node) {
    const { $ref, ...siblings } = node;
    node = { ...pointer(doc, $ref), ...siblings };
  }
  return node;
}

// "Text/Plain ;charset=UTF-8" and "text/plain; charset=utf-8" are one type.
export function normaliseMediaType(value) {
  return String(value)
    .split(";")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "")
    .join("; ");
}

export class Contract {
  constructor(doc) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // JSON numbers are exact up to 2^53 here; AccountId bounds them itself.
    this.ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(doc.components?.schemas ?? {}) });
    this.validators = new Map();
    this.operations = new Map();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "put", "post", "delete", "patch", "head", "options"].includes(method)) continue;
        this.operations.set(op.operationId, { method: method.toUpperCase(), path, op });
      }
    }
  }

  validator(schema) {
    const key = JSON.stringify(schema);
    if (!this.validators.has(key)) this.validators.set(key, this.ajv.compile(rewriteRefs(schema)));
    return this.validators.get(key);
  }

  schemaErrors(schema, value, what) {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    return [`${what}: ${this.ajv.errorsText(validate.errors, { dataVar: what })}`];
  }

  // response: {status, headers: {lower-case name: value}, body: string}.
  check(operationId, response) {
    const entry = this.operations.get(operationId);
    if (!entry) return [`no operation ${operationId} in the description`];
    const responses = entry.op.responses;
    const documented =
      responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    if (!documented) return [`status ${response.status} is not documented for ${operationId}`];
    const spec = resolve(this.doc, documented);
    const errors = [];

    for (const [name, raw] of Object.entries(spec.headers ?? {})) {
      const header = resolve(this.doc, raw);
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) errors.push(`required header ${name} is missing`);
        continue;
      }
      // A header is text on the wire; a schema of integers means its digits.
      let typed = value;
      if (header.schema?.type === "integer" && /^-?[0-9]+$/.test(value)) typed = Number(value);
      if (header.schema) errors.push(...this.schemaErrors(header.schema, typed, `header ${name}`));
    }

    const content = spec.content ?? {};
    const contentType = response.headers["content-type"];
    if (Object.keys(content).length === 0) {
      if (response.body.length > 0) errors.push(`a body is sent but ${response.status} documents none`);
      return errors;
    }
    if (contentType === undefined) return [...errors, "Content-Type is missing"];
    const mediaType = Object.keys(content).find(
      (key) => normaliseMediaType(key) === normaliseMediaType(contentType),
    );
    if (mediaType === undefined) {
      errors.push(`media type ${contentType} is not one of ${Object.keys(content).join(", ")}`);
      return errors;
    }
    const schema = content[mediaType].schema;
    if (!schema) return errors;
    let body = response.body;
    const essence = normaliseMediaType(mediaType).split(";")[0];
    if (essence === "application/json" || essence.endsWith("+json")) {
      try {
        body = JSON.parse(response.body);
      } catch (e) {
        errors.push(`the body is not JSON: ${e.message}`);
        return errors;
      }
    }
    errors.push(...this.schemaErrors(schema, body, "body"));
    return errors;
  }
}
