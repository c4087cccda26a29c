// Every ConfigMap, Secret and ServiceAccount a pod refers to exists: in the
// render itself, as the target of an ExternalSecret in it, or named with
// --external-secret (a Secret the operator creates by hand, such as the aws
// overlay's msg-server-api-keys, which is never committed). A reference with
// a typo would leave the pod stuck in ContainerCreating; the API server
// accepts it. For a Secret or ConfigMap in the render, a referenced key must
// be in it unless the reference is optional.
import { allContainers, namespaceOf, podSpec, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

export const id = "references";
export const describe = "every ConfigMap, Secret (and key) and ServiceAccount a pod names exists in the overlay or is declared external";
export function run(objects, options) {
  const problems = [];
  const external = new Set(options.externalSecrets ?? []);
  for (const w of workloads(objects)) {
    const ns = namespaceOf(w);
    const name = objectName(w);
    const find = (kind, n) => objects.find((o) => o.kind === kind && namespaceOf(o) === ns && o.metadata.name === n);
    const fromExternalSecret = (n) =>
      objects.some((o) => o.kind === "ExternalSecret" && namespaceOf(o) === ns && (o.spec?.target?.name ?? o.metadata.name) === n);
    // ref(kind, objectName, key?, optional?)
    const ref = (kind, n, key, optional) => {
      const obj = find(kind, n);
      if (!obj) {
        if (kind === "Secret" && (fromExternalSecret(n) || external.has(n))) return;
        if (!optional) problems.push(`${name}: ${kind} ${ns}/${n} is neither in this overlay nor declared external`);
        return;
      }
      if (key === undefined || optional) return;
      const data = { ...(obj.data ?? {}), ...(obj.stringData ?? {}), ...(obj.binaryData ?? {}) };
      if (!Object.hasOwn(data, key)) problems.push(`${name}: ${kind} ${ns}/${n} has no key ${key}`);
    };
    const spec = podSpec(w);
    const sa = spec.serviceAccountName ?? "default";
    if (sa !== "default" && !find("ServiceAccount", sa)) problems.push(`${name}: ServiceAccount ${ns}/${sa} is not in this overlay`);
    for (const c of allContainers(w)) {
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef) ref("ConfigMap", f.configMapRef.name, undefined, f.configMapRef.optional);
        if (f.secretRef) ref("Secret", f.secretRef.name, undefined, f.secretRef.optional);
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        const m = e.valueFrom?.configMapKeyRef;
        if (s) ref("Secret", s.name, s.key, s.optional);
        if (m) ref("ConfigMap", m.name, m.key, m.optional);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret) for (const item of v.secret.items ?? [{}]) ref("Secret", v.secret.secretName, item.key, v.secret.optional);
      if (v.configMap) for (const item of v.configMap.items ?? [{}]) ref("ConfigMap", v.configMap.name, item.key, v.configMap.optional);
    }
  }
  return problems;
}
