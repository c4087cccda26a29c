// Validates one rendered overlay (the output of `kubectl kustomize`) and runs
// the policy checks on it. Prints one line per check, the problems under a
// failing one, and exits 1 when any check fails.
//
//   node check-rendered.mjs FILE [--label NAME] [--require-digest] [--min-replicas N]
//                           [--external-secret NAME]...
//   node check-rendered.mjs FILE --expect EXPECT.json [--label NAME] [...]
//
// With --expect (a negative test) the file must fail exactly the checks the
// expectation names, each with a problem containing the given text, and pass
// every other check; then it prints one ok line and exits 0.
import { readFileSync } from "node:fs";
import { loadObjects, objectName } from "./lib/load.mjs";
import { schemaProblems } from "./lib/schema.mjs";
import { unknownFieldProblems } from "./lib/fields.mjs";
import * as probes from "./policy/probes.mjs";
import * as resources from "./policy/resources.mjs";
import * as securityContext from "./policy/security-context.mjs";
import * as selectors from "./policy/selectors.mjs";
import * as images from "./policy/images.mjs";
import * as networkPolicies from "./policy/network-policies.mjs";
import * as labels from "./policy/labels.mjs";
import * as shutdown from "./policy/shutdown.mjs";
import * as rollout from "./policy/rollout.mjs";
import * as references from "./policy/references.mjs";
import * as ingress from "./policy/ingress.mjs";

const POLICIES = [probes, resources, securityContext, selectors, images, networkPolicies, labels, shutdown, rollout, references, ingress];

function parseArgs(argv) {
  const o = { file: undefined, label: "manifests", requireDigest: false, minReplicas: 2, expect: undefined, externalSecrets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--label") o.label = argv[++i];
    else if (a === "--require-digest") o.requireDigest = true;
    else if (a === "--min-replicas") o.minReplicas = Number(argv[++i]);
    else if (a === "--expect") o.expect = argv[++i];
    else if (a === "--external-secret") o.externalSecrets.push(argv[++i]);
    else if (!o.file && !a.startsWith("--")) o.file = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.file || !Number.isInteger(o.minReplicas)) throw new Error("usage: check-rendered.mjs FILE [--label NAME] [--require-digest] [--min-replicas N] [--external-secret NAME]... [--expect FILE]");
  return o;
}

async function runChecks(objects, options) {
  const results = [];
  const schema = [];
  const fields = [];
  for (const o of objects) {
    for (const p of await schemaProblems(o)) schema.push(`${objectName(o)}: ${p}`);
    for (const p of unknownFieldProblems(o)) fields.push(`${objectName(o)}: ${p}`);
  }
  results.push({ id: "schema", describe: `${objects.length} objects valid against their OpenAPI schemas (types, required fields)`, problems: schema });
  results.push({ id: "fields", describe: "no unknown field at any depth of a built-in kind", problems: fields });
  for (const p of POLICIES) results.push({ id: p.id, describe: p.describe, problems: p.run(objects, options) });
  return results;
}

const options = parseArgs(process.argv.slice(2));
let results;
try {
  results = await runChecks(loadObjects(options.file), options);
} catch (e) {
  results = [{ id: "load", describe: "the rendered file loads", problems: [String(e.message ?? e)] }];
}

if (options.expect) {
  const expect = JSON.parse(readFileSync(options.expect, "utf8")); // { "check-id": "text in a problem", ... }
  const wrong = [];
  for (const r of results) {
    const want = expect[r.id];
    if (want === undefined && r.problems.length) wrong.push(`${r.id} failed unexpectedly: ${r.problems[0]}`);
    if (want !== undefined && !r.problems.some((p) => p.includes(want)))
      wrong.push(`${r.id} did not fail with "${want}"${r.problems.length ? ` (it said: ${r.problems[0]})` : " (it passed)"}`);
  }
  for (const id of Object.keys(expect)) if (!results.some((r) => r.id === id)) wrong.push(`no check named ${id}`);
  const what = Object.entries(expect).map(([id, text]) => `${id} "${text}"`).join(", ");
  if (wrong.length) {
    console.log(`FAIL - ${options.label}: fails ${what}, and nothing else`);
    for (const w of wrong) console.log(`       ${w}`);
    process.exit(1);
  }
  console.log(`ok   - ${options.label}: fails ${what}, and nothing else`);
  process.exit(0);
}

let failed = 0;
for (const r of results) {
  if (r.problems.length) {
    failed++;
    console.log(`FAIL - ${options.label}: ${r.id}: ${r.describe}`);
    for (const p of r.problems) console.log(`       ${p}`);
  } else console.log(`ok   - ${options.label}: ${r.id}: ${r.describe}`);
}
process.exit(failed ? 1 : 0);
