// Types and required fields against the upstream OpenAPI schemas, with the
// models of the kubernetes-models packages: built-in kinds from
// `kubernetes-models` (Kubernetes' own OpenAPI spec), ServiceMonitor and
// PrometheusRule from `@kubernetes-models/prometheus-operator`, ExternalSecret
// and SecretStore from `@kubernetes-models/external-secrets` (both generated
// from the projects' CRDs). A kind that no package knows is an error, never
// a silent pass.
const PACKAGES = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "external-secrets.io": "@kubernetes-models/external-secrets",
};

async function modelFor(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = PACKAGES[group] ?? "kubernetes-models";
  const path = `${pkg}/${apiVersion}/${kind}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch {
    return undefined;
  }
}

// kustomize writes long base64 Secret values as block scalars broken every
// 70 characters. The API server's base64 decoder skips line breaks; the
// schema's "byte" format does not, so they are taken out before validating.
function asSubmitted(obj) {
  if (obj.apiVersion !== "v1" || obj.kind !== "Secret" || !obj.data) return obj;
  const data = Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v]));
  return { ...obj, data };
}

// Returns a list of problems (strings), empty when the object is valid.
export async function schemaProblems(obj) {
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind} in any installed models package`];
  try {
    new Model(asSubmitted(obj)).validate();
    return [];
  } catch (e) {
    return [String(e.message ?? e).split("\n")[0]];
  }
}
