// A rolling update that never lowers capacity, and a replica count owned by
// one party: maxSurge 1 with maxUnavailable 0, no `replicas` field on a
// Deployment that an HPA scales (each apply would reset the HPA's count), an
// HPA floor of at least --min-replicas (3 on aws: one per zone), a PDB that
// still lets a node drain at that floor, and pods spread over zones and nodes.
import { namespaceOf, selects, podLabels, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

export const id = "rollout";
export const describe = "maxSurge 1 / maxUnavailable 0, HPA owns replicas, minReplicas floor, PDB allows a drain, zone and node spread";
export function run(objects, options) {
  const problems = [];
  const hpas = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
  for (const d of workloads(objects).filter((w) => w.kind === "Deployment")) {
    const name = objectName(d);
    const ru = d.spec.strategy?.rollingUpdate ?? {};
    if (d.spec.strategy?.type !== "RollingUpdate" || ru.maxSurge !== 1 || ru.maxUnavailable !== 0)
      problems.push(`${name}: strategy is not RollingUpdate with maxSurge 1 and maxUnavailable 0`);
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === d.metadata.name && namespaceOf(h) === namespaceOf(d));
    if (!hpa) {
      problems.push(`${name}: no HorizontalPodAutoscaler scales it`);
      continue;
    }
    if (d.spec.replicas !== undefined) problems.push(`${name}: has replicas ${d.spec.replicas} although ${objectName(hpa)} owns the count`);
    const min = hpa.spec.minReplicas ?? 1;
    if (min < options.minReplicas) problems.push(`${objectName(hpa)}: minReplicas ${min} < ${options.minReplicas}`);
    if ((hpa.spec.maxReplicas ?? 0) <= min) problems.push(`${objectName(hpa)}: maxReplicas ${hpa.spec.maxReplicas} leaves no room above minReplicas ${min}`);
    if (!hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds) problems.push(`${objectName(hpa)}: no scale-down stabilisation window`);
    if (!hpa.spec.behavior?.scaleUp?.policies?.length) problems.push(`${objectName(hpa)}: no scale-up policies`);
    for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget" && namespaceOf(o) === namespaceOf(d) && selects(o.spec?.selector, podLabels(d)))) {
      const minAvailable = pdb.spec.minAvailable;
      const maxUnavailable = pdb.spec.maxUnavailable;
      if (maxUnavailable === 0 || maxUnavailable === "0%" || (typeof minAvailable === "number" && minAvailable >= min) || minAvailable === "100%")
        problems.push(`${objectName(pdb)}: allows no eviction at ${min} replicas, so no node could ever be drained`);
    }
    const keys = (d.spec.template.spec.topologySpreadConstraints ?? []).map((t) => t.topologyKey);
    for (const k of ["topology.kubernetes.io/zone", "kubernetes.io/hostname"])
      if (!keys.includes(k)) problems.push(`${name}: no topologySpreadConstraint over ${k}`);
  }
  return problems;
}
