// Unknown fields, which the schema validation above lets through: the models
// of @kubernetes/client-node 1.4.0 (generated from Kubernetes' OpenAPI spec
// v1.34) list every field of every built-in type in attributeTypeMap, with
// its JSON name (baseName) and type, so the walk below rejects a misspelt
// field at any depth (`readOnlyRootFileSystem`, `livenessprobe`).
//
// Custom resources have no such list. Their types and required fields are
// checked by their models package (lib/schema.mjs); their unknown fields are
// not. They are named here, so that a new kind without a field list fails
// instead of passing unchecked.
import * as k8s from "@kubernetes/client-node";

export const KINDS_WITHOUT_FIELD_LIST = new Set([
  "monitoring.coreos.com/v1 ServiceMonitor",
  "monitoring.coreos.com/v1 PrometheusRule",
  "external-secrets.io/v1 ExternalSecret",
  "external-secrets.io/v1 SecretStore",
]);

// "apps/v1" Deployment -> V1Deployment; "autoscaling/v2" -> V2...
function rootType(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  const name = version.charAt(0).toUpperCase() + version.slice(1) + kind;
  return typeof k8s[name]?.getAttributeTypeMap === "function" ? name : undefined;
}

function walk(value, type, path, problems) {
  if (value === null || value === undefined) return;
  let m = /^Array<(.+)>$/.exec(type);
  if (m) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, m[1], `${path}[${i}]`, problems));
    return;
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) {
    if (typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, m[1], `${path}.${k}`, problems);
    return;
  }
  const model = k8s[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object" || Array.isArray(value)) return;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(`unknown field ${path}.${key} (${type} has no field "${key}")`);
      continue;
    }
    walk(v, fields.get(key), `${path}.${key}`, problems);
  }
}

// Returns a list of problems; an empty list for a custom resource named above.
export function unknownFieldProblems(obj) {
  if (KINDS_WITHOUT_FIELD_LIST.has(`${obj.apiVersion} ${obj.kind}`)) return [];
  const type = rootType(obj.apiVersion, obj.kind);
  if (!type) return [`no field list for ${obj.apiVersion} ${obj.kind}: add it to KINDS_WITHOUT_FIELD_LIST only if it is a custom resource`];
  const problems = [];
  walk(obj, type, "", problems);
  return problems.map((p) => p.replace(/^unknown field \./, "unknown field "));
}
