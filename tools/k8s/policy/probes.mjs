// Every long-running container has liveness and readiness probes, and
// msg-server probes the right endpoints: startup and readiness on /readyz
// (the database answers, not draining), liveness on /healthz, which never
// touches the database, so an outage makes pods unready but never restarts
// them. Liveness must give up later than readiness does.
import { podSpec, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

const within = (p) => (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);

export const id = "probes";
export const describe = "every container has liveness and readiness probes; msg-server: /readyz for startup and readiness, /healthz for liveness";
export function run(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    if (w.kind === "Job") continue;
    for (const c of podSpec(w).containers ?? []) {
      const where = `${objectName(w)} container ${c.name}`;
      if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
      if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
      if (c.name !== "msg-server") continue;
      if (!c.startupProbe) problems.push(`${where}: no startupProbe`);
      if (c.startupProbe?.httpGet?.path !== "/readyz") problems.push(`${where}: startupProbe is not GET /readyz`);
      if (c.readinessProbe?.httpGet?.path !== "/readyz") problems.push(`${where}: readinessProbe is not GET /readyz`);
      if (c.livenessProbe?.httpGet?.path !== "/healthz")
        problems.push(`${where}: livenessProbe is not GET /healthz (liveness must not depend on the database)`);
      if (c.livenessProbe && c.readinessProbe && within(c.livenessProbe) <= within(c.readinessProbe))
        problems.push(`${where}: liveness gives up within ${within(c.livenessProbe)} s, not later than readiness (${within(c.readinessProbe)} s)`);
    }
  }
  return problems;
}
