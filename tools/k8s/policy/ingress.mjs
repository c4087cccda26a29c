// The public entry exposes the API and nothing else, and the load balancer
// refuses bad HTTP before it reaches a pod:
// - no Ingress path reaches /metrics (Prometheus scrapes the pods directly;
//   the series name every route and count every status, which is nobody's
//   business outside the cluster). A Prefix path matches whole segments, so
//   "/" and "/metrics" match it and "/met" does not.
// - an ALB Ingress drops invalid header fields and uses the strictest desync
//   mitigation (SECURITY.md: civetweb behind it must never see a request
//   that a proxy framed differently);
// - an ALB Ingress that listens on 80 redirects it to 443 (plain HTTP only
//   to redirect).
import { namespaceOf } from "../lib/workloads.mjs";

export const id = "ingress";
export const describe = "no Ingress routes /metrics; ALB Ingresses drop invalid headers, use the strictest desync mitigation and redirect 80 to 443";

const REQUIRED_ATTRIBUTES = {
  "routing.http.drop_invalid_header_fields.enabled": "true",
  "routing.http.desync_mitigation_mode": "strictest",
};

function reaches(pathRule, target) {
  const p = pathRule.path ?? "/";
  const type = pathRule.pathType ?? "ImplementationSpecific";
  if (type === "Exact") return p === target;
  // Prefix (and the ALB's ImplementationSpecific, a prefix too): by segment.
  const prefix = p.endsWith("/") ? p : `${p}/`;
  return p === target || p === "/" || `${target}/`.startsWith(prefix);
}

export function run(objects) {
  const problems = [];
  for (const ing of objects.filter((o) => o.kind === "Ingress")) {
    const name = `Ingress ${namespaceOf(ing)}/${ing.metadata.name}`;
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        if (reaches(p, "/metrics")) problems.push(`${name}: path ${p.path} (${p.pathType}) makes /metrics public`);
      }
    }
    if (ing.spec?.defaultBackend) problems.push(`${name}: a defaultBackend makes every path public, /metrics too`);
    if (ing.spec?.ingressClassName !== "alb") continue;
    const a = ing.metadata.annotations ?? {};
    const attributes = Object.fromEntries(
      (a["alb.ingress.kubernetes.io/load-balancer-attributes"] ?? "")
        .split(",").filter(Boolean).map((kv) => kv.trim().split("=")));
    for (const [k, v] of Object.entries(REQUIRED_ATTRIBUTES)) {
      if (attributes[k] !== v) problems.push(`${name}: load balancer attribute ${k} is ${attributes[k] ?? "unset"}, must be ${v}`);
    }
    let ports = [];
    try {
      ports = JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"] ?? "[]");
    } catch {
      problems.push(`${name}: listen-ports is not JSON`);
    }
    if (ports.some((l) => l.HTTP !== undefined) && a["alb.ingress.kubernetes.io/ssl-redirect"] !== "443") {
      problems.push(`${name}: listens on plain HTTP without ssl-redirect to 443`);
    }
    if (!ports.some((l) => l.HTTPS === 443)) problems.push(`${name}: does not listen on HTTPS 443`);
  }
  return problems;
}
