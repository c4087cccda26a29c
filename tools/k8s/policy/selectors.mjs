// The objects that point at msg-server's pods point at the Deployment's pods
// and only at them: the PodDisruptionBudget's selector, the Service's
// selector (and its targetPort names a container port), the HPA's
// scaleTargetRef, the Ingress's backend Service and port. A selector that
// matches nothing, or also another workload, fails here; the API server
// would accept either silently.
import { namespaceOf, podSpec, selectedWorkloads, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

function exactlyOneDeployment(objects, obj, selector, problems) {
  const hits = selectedWorkloads(objects, namespaceOf(obj), selector);
  if (hits.length !== 1 || hits[0].kind !== "Deployment")
    problems.push(`${objectName(obj)}: selects ${hits.length ? hits.map(objectName).join(", ") : "no workload"}, want exactly one Deployment`);
  return hits.length === 1 ? hits[0] : undefined;
}

export const id = "selectors";
export const describe = "PDB, Service, HPA and Ingress each select the Deployment (and nothing else)";
export function run(objects) {
  const problems = [];
  for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget")) exactlyOneDeployment(objects, pdb, pdb.spec?.selector, problems);
  for (const svc of objects.filter((o) => o.kind === "Service" && o.spec?.selector && o.spec.clusterIP !== "None")) {
    const w = exactlyOneDeployment(objects, svc, { matchLabels: svc.spec.selector }, problems);
    if (!w) continue;
    const names = new Set((podSpec(w).containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const p of svc.spec.ports ?? [])
      if (typeof p.targetPort === "string" && !names.has(p.targetPort))
        problems.push(`${objectName(svc)}: targetPort ${p.targetPort} is no port of ${objectName(w)}`);
  }
  for (const svc of objects.filter((o) => o.kind === "Service" && o.spec?.clusterIP === "None")) {
    const hits = selectedWorkloads(objects, namespaceOf(svc), { matchLabels: svc.spec.selector ?? {} });
    if (hits.length !== 1) problems.push(`${objectName(svc)}: a headless Service selecting ${hits.length} workloads, want 1`);
  }
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const target = workloads(objects).find((w) => w.kind === ref.kind && w.metadata.name === ref.name && namespaceOf(w) === namespaceOf(hpa));
    if (!target || ref.kind !== "Deployment" || ref.apiVersion !== "apps/v1")
      problems.push(`${objectName(hpa)}: scaleTargetRef ${ref.apiVersion} ${ref.kind} ${ref.name} is no Deployment of this overlay`);
  }
  for (const ing of objects.filter((o) => o.kind === "Ingress"))
    for (const rule of ing.spec?.rules ?? [])
      for (const path of rule.http?.paths ?? []) {
        const b = path.backend?.service;
        const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === b?.name && namespaceOf(o) === namespaceOf(ing));
        if (!svc) {
          problems.push(`${objectName(ing)}: backend Service ${b?.name} is not in this overlay`);
          continue;
        }
        const port = (svc.spec.ports ?? []).find((p) => (b.port?.name !== undefined ? p.name === b.port.name : p.port === b.port?.number));
        if (!port) problems.push(`${objectName(ing)}: backend port ${JSON.stringify(b.port)} is no port of ${objectName(svc)}`);
      }
  return problems;
}
