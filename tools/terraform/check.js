#!/usr/bin/env node
// Entry point of the offline Terraform checks (tests/terraform/run.sh calls
// it): `check.js parse|schema|policy TERRAFORM_DIR [CACHE_DIR]`. Prints one
// line per check, PASS, SKIP with its reason, or FAIL with the reasons below
// it; exits 1 if any check failed, 2 on a usage or parse error. runCheck()
// is the same thing as a function, for the negative tests, which run dozens
// of broken copies in one process.
'use strict';

const path = require('path');
const { loadTree } = require('./config');
const { loadSchema } = require('./schema');
const { checkTree } = require('./check_schema');
const { checkPolicies } = require('./policies/index');

function format(results, lines) {
  let failed = 0;
  for (const r of results) {
    if (r.skip) {
      lines.push(`SKIP ${r.name}: ${r.skip}`);
    } else if (r.errors.length) {
      failed += 1;
      lines.push(`FAIL ${r.name}`);
      for (const e of r.errors) lines.push(`     ${e}`);
    } else {
      lines.push(`PASS ${r.name}${r.note ? ` (${r.note})` : ''}`);
    }
  }
  return failed;
}

async function runCheck(command, dir, cacheDir) {
  const lines = [];
  const root = path.resolve(dir);
  const tree = await loadTree(root);
  if (command === 'parse') {
    const files = Object.values(tree.modules).reduce((n, m) => n + m.files.length, 0);
    const failed = format([{ name: 'parse every .tf and .tfvars file', errors: tree.errors, note: `${files} files` }], lines);
    return { status: failed ? 1 : 0, lines };
  }
  if (tree.errors.length) {
    format([{ name: 'parse', errors: tree.errors }], lines);
    return { status: 2, lines };
  }
  let results;
  if (command === 'schema') {
    const { schema, cached } = loadSchema(path.resolve(cacheDir || path.join(root, '..', 'build-terraform')));
    lines.push(`# hashicorp/aws ${schema.providerVersion} schema from @cdktf/provider-aws ${schema.packageVersion}`
      + ` (${Object.keys(schema.resources).length} resource types, ${Object.keys(schema.data).length} data sources, ${cached ? 'cached' : 'extracted now'})`);
    results = checkTree(schema, tree);
  } else {
    results = checkPolicies(tree, root);
  }
  return { status: format(results, lines) ? 1 : 0, lines };
}

module.exports = { runCheck };

if (require.main === module) {
  const [command, dir, cacheDir] = process.argv.slice(2);
  if (!['parse', 'schema', 'policy'].includes(command) || !dir) {
    console.error('usage: check.js parse|schema|policy TERRAFORM_DIR [CACHE_DIR]');
    process.exit(2);
  }
  runCheck(command, dir, cacheDir).then((r) => {
    for (const l of r.lines) console.log(l);
    process.exit(r.status);
  }, (e) => {
    console.error(e.stack || String(e));
    process.exit(2);
  });
}
