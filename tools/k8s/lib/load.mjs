// Reads a rendered manifest stream (the output of `kubectl kustomize`): every
// YAML document becomes one object, in order. A document that does not parse,
// or that is not a mapping with apiVersion, kind and metadata.name, is an
// error here, before any check sees it.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

export function loadObjects(path) {
  const text = readFileSync(path, "utf8");
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== "object" || Array.isArray(obj) || !obj.apiVersion || !obj.kind || !obj.metadata?.name)
      throw new Error(`${path}: a document without apiVersion, kind and metadata.name`);
    objects.push(obj);
  }
  return objects;
}

// "Kind namespace/name", the way every message names an object.
export function objectName(obj) {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : "";
  return `${obj.kind} ${ns}${obj.metadata.name}`;
}
