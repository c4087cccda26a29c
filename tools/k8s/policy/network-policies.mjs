// Every pod is selected by a NetworkPolicy for ingress and one for egress
// (the namespace's default deny does it), and nothing reaches msg-server
// except what an explicit rule names: a rule without `from`, with an empty
// peer, or with an ipBlock of everything would let clients talk to the pods
// directly, past the header-buffering proxy that keeps slow clients from
// holding msg-server's worker threads.
import { namespaceOf, podLabels, selects, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

const types = (np) => np.spec?.policyTypes ?? (np.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
const openCidr = (cidr) => cidr === "0.0.0.0/0" || cidr === "::/0";

function peerIsOpen(peer) {
  if (peer.ipBlock) return openCidr(peer.ipBlock.cidr);
  const ns = peer.namespaceSelector;
  const pods = peer.podSelector;
  const empty = (s) => s && !Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length;
  return (!ns && !pods) || (empty(ns) && (!pods || empty(pods)));
}

export const id = "network-policies";
export const describe = "every pod selected by ingress and egress NetworkPolicies; msg-server reachable only from named sources";
export function run(objects) {
  const problems = [];
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  for (const w of workloads(objects)) {
    const mine = policies.filter((np) => namespaceOf(np) === namespaceOf(w) && selects(np.spec?.podSelector, podLabels(w)));
    for (const t of ["Ingress", "Egress"])
      if (!mine.some((np) => types(np).includes(t))) problems.push(`${objectName(w)}: no NetworkPolicy of type ${t} selects its pods`);
    if (podLabels(w)["app.kubernetes.io/name"] !== "msg-server") continue;
    for (const np of mine) {
      if (!types(np).includes("Ingress")) continue;
      for (const [i, rule] of (np.spec.ingress ?? []).entries()) {
        if (!rule.from || !rule.from.length) problems.push(`${objectName(np)}: ingress rule ${i} has no "from": it admits every source`);
        else if (rule.from.some(peerIsOpen)) problems.push(`${objectName(np)}: ingress rule ${i} admits every source`);
      }
    }
  }
  return problems;
}
