// The Pod Security Standard "restricted", checked before admission would:
// in a namespace that enforces it, every pod runs as non-root with a
// RuntimeDefault (or Localhost) seccomp profile, and every container drops
// ALL capabilities and may not escalate. On top of the standard, the house
// rules: read-only root file system, no privileged container, no host
// namespaces or hostPath, no service-account token unless asked for, and
// msg-server as the image's user 65532. Namespaces that do not enforce
// "restricted" (a log shipper must read the node's files) still may not run
// privileged containers.
import { allContainers, namespaceOf, podSpec, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

function restrictedNamespaces(objects) {
  return new Set(
    objects
      .filter((o) => o.kind === "Namespace" && o.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted")
      .map((o) => o.metadata.name),
  );
}

const seccompOk = (sc) => ["RuntimeDefault", "Localhost"].includes(sc?.seccompProfile?.type);

export const id = "security-context";
export const describe = "restricted pod security: non-root, read-only root, no escalation, capabilities dropped, RuntimeDefault seccomp";
export function run(objects) {
  const problems = [];
  const restricted = restrictedNamespaces(objects);
  for (const w of workloads(objects)) {
    const spec = podSpec(w);
    const psc = spec.securityContext ?? {};
    const name = objectName(w);
    for (const c of allContainers(w))
      if (c.securityContext?.privileged) problems.push(`${name} container ${c.name}: privileged`);
    if (!restricted.has(namespaceOf(w))) continue;
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[host]) problems.push(`${name}: ${host} is on`);
    for (const v of spec.volumes ?? []) if (v.hostPath) problems.push(`${name}: volume ${v.name} is a hostPath`);
    if (spec.automountServiceAccountToken !== false) problems.push(`${name}: automountServiceAccountToken is not false`);
    for (const c of allContainers(w)) {
      const sc = c.securityContext ?? {};
      const where = `${name} container ${c.name}`;
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
      const uid = sc.runAsUser ?? psc.runAsUser;
      if (uid === 0) problems.push(`${where}: runAsUser is 0`);
      if (c.name === "msg-server" && uid !== 65532) problems.push(`${where}: runAsUser is ${uid}, not the image's 65532`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: capabilities.drop lacks ALL`);
      if ((sc.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE"))
        problems.push(`${where}: adds capabilities ${sc.capabilities.add.join(",")}`);
      if (!seccompOk(sc) && !seccompOk(psc)) problems.push(`${where}: no RuntimeDefault seccomp profile`);
    }
  }
  return problems;
}
