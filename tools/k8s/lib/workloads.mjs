// What the policy checks share: the workloads of a rendered overlay with their
// pod templates, label selectors evaluated the way the API server does, and
// a container's settings as the process will see them (ConfigMap envFrom and
// env, env winning).
export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

export function workloads(objects) {
  return objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && o.spec?.template);
}

export function podSpec(workload) {
  return workload.spec.template.spec ?? {};
}

export function podLabels(workload) {
  return workload.spec.template.metadata?.labels ?? {};
}

export function namespaceOf(obj) {
  return obj.metadata.namespace ?? "default";
}

// A LabelSelector (matchLabels and matchExpressions) against a label set. An
// empty selector selects everything, as in a NetworkPolicy's podSelector {}.
export function selects(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === "In" && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

// The workloads in `namespace` whose pods `selector` selects.
export function selectedWorkloads(objects, namespace, selector) {
  return workloads(objects).filter((w) => namespaceOf(w) === namespace && selects(selector, podLabels(w)));
}

// The environment of a container: the ConfigMaps of envFrom, then env values.
// Values from Secrets are not known here and are left out.
export function containerEnv(objects, namespace, container) {
  const env = {};
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) continue;
    const cm = objects.find((o) => o.kind === "ConfigMap" && namespaceOf(o) === namespace && o.metadata.name === from.configMapRef.name);
    for (const [k, v] of Object.entries(cm?.data ?? {})) env[(from.prefix ?? "") + k] = v;
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

export function allContainers(workload) {
  const spec = podSpec(workload);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}
