#!/usr/bin/env node
// Negative tests for every check of the terraform stage: each case in
// negative_cases.json breaks one thing in a copy of terraform/ (and of
// k8s/base/ingress.yaml) made in a temporary folder, runs the same check the
// stage runs on the real tree, and passes only if that check fails (exit 1)
// with the expected message. A case whose text to break no longer occurs
// exactly once fails too, so the cases cannot silently go stale. The checks
// run in this process through runCheck(), the function behind check.js, so
// the HCL parser and the schema load once.
//
// usage: negative_tests.js REPO_ROOT CACHE_DIR
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const [repo, cacheDir] = process.argv.slice(2);
const { runCheck } = require(path.join(repo, 'tools', 'terraform', 'check.js'));
const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'negative_cases.json'), 'utf8'));

function copyTree(tmp) {
  fs.cpSync(path.join(repo, 'terraform'), path.join(tmp, 'terraform'), {
    recursive: true,
    filter: (src) => !/[/\\]\.terraform([/\\]|$)/.test(src),
  });
  const ingress = path.join(repo, 'k8s', 'base', 'ingress.yaml');
  if (fs.existsSync(ingress)) {
    fs.mkdirSync(path.join(tmp, 'k8s', 'base'), { recursive: true });
    fs.copyFileSync(ingress, path.join(tmp, 'k8s', 'base', 'ingress.yaml'));
  }
}

function occurrences(text, find) {
  return text.split(find).length - 1;
}

async function run(c, tmp) {
  const dir = path.join(tmp, 'terraform');
  if (c.check === 'fmt') {
    const r = spawnSync('terraform', ['fmt', '-check', '-recursive', dir], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout || ''}${r.stderr || ''}` };
  }
  const r = await runCheck(c.check, dir, cacheDir);
  return { status: r.status, output: r.lines.join('\n') };
}

async function main() {
  let failed = 0;
  for (const c of cases) {
    if (c.needs && !fs.existsSync(path.join(repo, c.needs))) {
      console.log(`SKIP negative: ${c.name}: ${c.needs} does not exist`);
      continue;
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msg-tf-negative-'));
    let problem = null;
    try {
      copyTree(tmp);
      const file = path.join(tmp, c.file);
      const text = fs.readFileSync(file, 'utf8');
      const n = occurrences(text, c.find);
      if (n !== 1) {
        problem = `the text to break occurs ${n} times in ${c.file} (stale case)`;
      } else {
        fs.writeFileSync(file, text.replace(c.find, () => c.replace));
        const r = await run(c, tmp);
        const wanted = c.check === 'fmt' ? r.status !== 0 : r.status === 1;
        if (!wanted) problem = `exit status ${r.status}, wanted a check failure`;
        else if (!r.output.includes(c.expect)) problem = `output lacks ${JSON.stringify(c.expect)}`;
        if (problem) problem += `\n${r.output.split('\n').filter((l) => !l.startsWith('PASS')).slice(0, 12).map((l) => `     ${l}`).join('\n')}`;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (problem) {
      failed += 1;
      console.log(`FAIL negative: ${c.name}: ${problem}`);
    } else {
      console.log(`PASS negative: ${c.name}`);
    }
  }
  return failed;
}

main().then((failed) => process.exit(failed ? 1 : 0), (e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
