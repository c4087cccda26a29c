// Proves the aws overlay's replacements: renders made from an environment.env
// must carry each of its values exactly where the contract puts it, and no
// "placeholder" may be left anywhere in the output. check-manifests renders
// a copy of k8s/ with made-up values that appear nowhere else, so a value
// can only be in place because a replacement put it there.
//
//   node check-environment.mjs RENDERED ENVIRONMENT.ENV [--label NAME]
import { readFileSync } from "node:fs";
import { loadObjects } from "./lib/load.mjs";

const [file, envFile, flag, labelArg] = process.argv.slice(2);
if (!file || !envFile || (flag && flag !== "--label")) throw new Error("usage: check-environment.mjs RENDERED ENVIRONMENT.ENV [--label NAME]");
const label = labelArg ?? "aws environment.env";
const env = Object.fromEntries(
  readFileSync(envFile, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const objects = loadObjects(file);
const find = (kind, name, namespace) => objects.find((o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace));
const envOf = (ds, name) => ds?.spec.template.spec.containers.find((c) => c.name === "fluent-bit")?.env?.find((e) => e.name === name)?.value;

const ing = find("Ingress", "msg-server", "msg");
const es = find("ExternalSecret", "msg-server-database", "msg");
const store = find("SecretStore", "aws-secrets-manager", "msg");
const ds = find("DaemonSet", "fluent-bit", "logging");
const sa = find("ServiceAccount", "fluent-bit", "logging");
const lb = find("NetworkPolicy", "msg-server-allow-load-balancer", "msg");
const pg = find("NetworkPolicy", "msg-server-allow-egress-postgresql", "msg");
const url = es?.spec.target.template.data.url.replaceAll("{{/**/}}", "");

// key -> [where, the value found there]
const places = {
  MSG_HOSTNAME: [["Ingress rule host", ing?.spec.rules[0].host], ["Ingress TLS host", ing?.spec.tls?.[0]?.hosts?.[0]]],
  MSG_ACM_CERTIFICATE_ARN: [["Ingress certificate-arn", ing?.metadata.annotations?.["alb.ingress.kubernetes.io/certificate-arn"]]],
  MSG_DATABASE_SECRET_ARN: [["ExternalSecret dataFrom key", es?.spec.dataFrom?.[0]?.extract?.key]],
  MSG_DATABASE_ENDPOINT: [["ExternalSecret url host:port", /@([^/]*)\//.exec(url ?? "")?.[1]]],
  MSG_DATABASE_NAME: [["ExternalSecret url database", /\/([^/?]*)\?/.exec(url ?? "")?.[1]]],
  MSG_AWS_REGION: [["SecretStore region", store?.spec.provider.aws.region], ["fluent-bit env AWS_REGION", envOf(ds, "AWS_REGION")]],
  MSG_LOG_GROUP: [["fluent-bit env LOG_GROUP_NAME", envOf(ds, "LOG_GROUP_NAME")]],
  MSG_FLUENT_BIT_ROLE_ARN: [["ServiceAccount logging/fluent-bit role-arn", sa?.metadata.annotations?.["eks.amazonaws.com/role-arn"]]],
  MSG_LB_SOURCE_CIDR: [["NetworkPolicy allow-load-balancer ipBlock", lb?.spec.ingress?.[0]?.from?.[0]?.ipBlock?.cidr]],
  MSG_DATABASE_CIDR: [["NetworkPolicy allow-egress-postgresql ipBlock", pg?.spec.egress?.[0]?.to?.[0]?.ipBlock?.cidr]],
};

const problems = [];
for (const key of Object.keys(env)) if (!places[key]) problems.push(`${key} is in environment.env but no check knows where it goes`);
for (const [key, list] of Object.entries(places)) {
  if (env[key] === undefined) {
    problems.push(`${key} is missing from environment.env`);
    continue;
  }
  for (const [where, value] of list) if (value !== env[key]) problems.push(`${key}: ${where} is ${JSON.stringify(value)}, want ${JSON.stringify(env[key])}`);
}
const escaped = (v) => `{{ .${v} | urlquery | replace "+" "%20" }}`;
const wantUrl = `postgresql://${escaped("username")}:${escaped("password")}@${env.MSG_DATABASE_ENDPOINT}/${env.MSG_DATABASE_NAME}?sslmode=verify-full&sslrootcert=system`;
if (url !== wantUrl) problems.push(`ExternalSecret url template renders as ${JSON.stringify(url)}, want ${JSON.stringify(wantUrl)}`);
const text = readFileSync(file, "utf8");
const left = text.split("\n").filter((l) => /placeholder/i.test(l));
for (const l of left) problems.push(`a placeholder is left: ${l.trim()}`);

if (problems.length) {
  console.log(`FAIL - ${label}: every value reaches its place, no placeholder left`);
  for (const p of problems) console.log(`       ${p}`);
  process.exit(1);
}
console.log(`ok   - ${label}: every value reaches its place (${Object.keys(places).length} keys), no placeholder left`);
