// The shutdown arithmetic of k8s/base/deployment.yaml, recomputed from the
// rendered objects so that changing one number cannot silently break it.
// The kubelet's countdown (terminationGracePeriodSeconds) starts before
// preStop, so it must cover, in order:
//   the preStop sleep,
//   MSG_DRAIN_DELAY_MS (readiness 503, still serving),
//   the longest request: server/main.c waits for open connections at most
//     MSG_REQUEST_TIMEOUT_MS + MSG_KEEPALIVE_TIMEOUT_MS + 1 s,
//   and mg_stop with closing the store, up to 2 s (server/README.md).
// And the preStop sleep must outlast the ALB target group's deregistration
// delay (the Ingress annotation), so that the ALB has stopped sending before
// the server starts draining. The preStop must be the kubelet's sleep
// action: the image has no shell for `exec: sleep`.
import { containerEnv, namespaceOf, podSpec, selects, podLabels, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

const SERVER_DEFAULTS = { MSG_DRAIN_DELAY_MS: 5000, MSG_REQUEST_TIMEOUT_MS: 10000, MSG_KEEPALIVE_TIMEOUT_MS: 5000 };
const WAIT_SLACK_MS = 1000; // wait_idle's extra second
const STOP_MS = 2000; // mg_stop and msg_store_close

function deregistrationDelay(ingress) {
  const attrs = ingress.metadata.annotations?.["alb.ingress.kubernetes.io/target-group-attributes"] ?? "";
  const m = /(?:^|,)\s*deregistration_delay\.timeout_seconds=(\d+)/.exec(attrs);
  return m ? Number(m[1]) : undefined;
}

// The Ingresses whose backend Service selects the workload's pods.
function ingressesOf(objects, w) {
  const services = objects.filter((o) => o.kind === "Service" && namespaceOf(o) === namespaceOf(w) && o.spec?.selector && selects({ matchLabels: o.spec.selector }, podLabels(w)));
  return objects.filter(
    (o) => o.kind === "Ingress" && namespaceOf(o) === namespaceOf(w) &&
      (o.spec?.rules ?? []).some((r) => (r.http?.paths ?? []).some((p) => services.some((s) => s.metadata.name === p.backend?.service?.name))),
  );
}

export const id = "shutdown";
export const describe = "terminationGracePeriodSeconds >= preStop sleep + drain delay + longest request; preStop sleep > deregistration delay";
export function run(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    for (const c of podSpec(w).containers ?? []) {
      if (c.name !== "msg-server") continue;
      const where = `${objectName(w)} container ${c.name}`;
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      if (sleep === undefined) {
        problems.push(`${where}: preStop is not a sleep action`);
        continue;
      }
      const env = { ...SERVER_DEFAULTS, ...containerEnv(objects, namespaceOf(w), c) };
      const num = (k) => Number(env[k]);
      const grace = podSpec(w).terminationGracePeriodSeconds ?? 30;
      const needMs = sleep * 1000 + num("MSG_DRAIN_DELAY_MS") + num("MSG_REQUEST_TIMEOUT_MS") + num("MSG_KEEPALIVE_TIMEOUT_MS") + WAIT_SLACK_MS + STOP_MS;
      if (!Number.isFinite(needMs)) problems.push(`${where}: a drain setting is not a number`);
      else if (grace * 1000 < needMs)
        problems.push(
          `${where}: terminationGracePeriodSeconds ${grace} s < preStop ${sleep} s + MSG_DRAIN_DELAY_MS ${num("MSG_DRAIN_DELAY_MS")} ms + longest request ` +
            `${num("MSG_REQUEST_TIMEOUT_MS") + num("MSG_KEEPALIVE_TIMEOUT_MS") + WAIT_SLACK_MS + STOP_MS} ms = ${needMs / 1000} s`,
        );
      for (const ing of ingressesOf(objects, w)) {
        const delay = deregistrationDelay(ing);
        if (ing.spec?.ingressClassName !== "alb") continue;
        if (delay === undefined) problems.push(`${objectName(ing)}: no deregistration_delay.timeout_seconds in target-group-attributes`);
        else if (sleep <= delay) problems.push(`${where}: preStop sleep ${sleep} s is not longer than ${objectName(ing)}'s deregistration delay ${delay} s`);
      }
    }
  }
  return problems;
}
