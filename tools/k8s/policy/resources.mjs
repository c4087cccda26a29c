// Requests and limits for CPU, memory and ephemeral storage on every
// container (init containers too): the scheduler places pods by requests,
// the HPA's utilisation is measured against the CPU request, and without a
// memory or ephemeral-storage limit one pod can starve its node.
import { allContainers, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

const RESOURCES = ["cpu", "memory", "ephemeral-storage"];

export const id = "resources";
export const describe = "every container requests and limits cpu, memory and ephemeral-storage";
export function run(objects) {
  const problems = [];
  for (const w of workloads(objects))
    for (const c of allContainers(w))
      for (const kind of ["requests", "limits"])
        for (const r of RESOURCES)
          if (c.resources?.[kind]?.[r] === undefined) problems.push(`${objectName(w)} container ${c.name}: no ${kind}.${r}`);
  return problems;
}
