// Labels are the one way every tool finds msg's objects (kubectl -l, the
// ServiceMonitor, the dashboards, cost reports): every object carries
// app.kubernetes.io/name and app.kubernetes.io/part-of=msg, and every
// workload's pods carry the same name as the workload and match its
// selector.
import { podLabels, selects, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

export const id = "labels";
export const describe = "every object labelled app.kubernetes.io/name and part-of=msg; pod templates match their selectors";
export function run(objects) {
  const problems = [];
  for (const o of objects) {
    const labels = o.metadata.labels ?? {};
    if (!labels["app.kubernetes.io/name"]) problems.push(`${objectName(o)}: no app.kubernetes.io/name label`);
    if (labels["app.kubernetes.io/part-of"] !== "msg") problems.push(`${objectName(o)}: app.kubernetes.io/part-of is not msg`);
  }
  for (const w of workloads(objects)) {
    const pods = podLabels(w);
    if (pods["app.kubernetes.io/name"] !== w.metadata.labels?.["app.kubernetes.io/name"])
      problems.push(`${objectName(w)}: its pods are app.kubernetes.io/name=${pods["app.kubernetes.io/name"]}, the workload ${w.metadata.labels?.["app.kubernetes.io/name"]}`);
    if (pods["app.kubernetes.io/part-of"] !== "msg") problems.push(`${objectName(w)}: its pods are not app.kubernetes.io/part-of=msg`);
    if (!selects(w.spec.selector, pods)) problems.push(`${objectName(w)}: spec.selector does not match the pod template's labels`);
  }
  return problems;
}
