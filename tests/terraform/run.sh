#!/usr/bin/env bash
# The terraform stage: what can be proven about terraform/ on a machine that
# cannot download providers or modules (so `terraform init`, `validate` and
# `plan` cannot run here; terraform/README.md says what that leaves out).
#
#   1. the terraform on the machine satisfies required_version;
#   2. tools/terraform's npm packages are installed from its lock file
#      (@cdktf/hcl2json, @cdktf/provider-aws 21.22.1 = hashicorp/aws 6.25.0);
#   3. terraform fmt -check -recursive;
#   4. every .tf and .tfvars file parses (HashiCorp's HCL parser);
#   5. per folder: every resource and data source type, argument and nested
#      block against the AWS provider's schema, module calls against the
#      modules' variables, references against declarations;
#   6. the policies (checkov rule IDs where one exists, house rules else);
#   7. the negative tests: each check above fails on a broken copy.
#
# Inputs: MSG_TERRAFORM_CACHE_DIR (default build-terraform/ in the
# repository) caches the schema extracted from the provider package's 131 MB
# .jsii, so later runs skip that step. MSG_BUILD_DIR and MSG_TEST_PG_URI are
# not used: nothing here builds or talks to a database. Prints one line per
# check and ends with "N passed, N failed"; exits 1 if any check failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tools="$repo/tools/terraform"
cache=${MSG_TERRAFORM_CACHE_DIR:-$repo/build-terraform}
passed=0
failed=0

# No user CLI configuration, no update checks: the same run everywhere.
cli_config=$(mktemp)
trap 'rm -f "$cli_config"' EXIT
export TF_CLI_CONFIG_FILE="$cli_config" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# count OUTPUT: shows a checker's output and adds its PASS/FAIL lines.
count() {
  local line
  while IFS= read -r line; do
    echo "$line"
    case "$line" in
      PASS\ *) passed=$((passed + 1)) ;;
      FAIL\ *) failed=$((failed + 1)) ;;
    esac
  done <<<"$1"
}

# checker NAME COMMAND...: runs a checker that prints PASS/FAIL lines; a
# crash or a non-zero exit without any FAIL line counts as one failure.
checker() {
  local name=$1 out status
  shift
  out=$("$@" 2>&1)
  status=$?
  count "$out"
  if [[ $status -ne 0 ]] && ! grep -q '^FAIL ' <<<"$out"; then fail "$name (exit status $status)"; fi
}

version=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
if [[ "$version" == 1.11.* ]]; then
  pass "terraform $version satisfies required_version ~> 1.11.0"
else
  fail "terraform on the machine is '${version:-missing}', required_version is ~> 1.11.0"
fi

# npm ci replaces node_modules; skip it when node_modules already is exactly
# what the lock file describes (npm keeps its own copy of the lock there).
if [[ -f "$tools/node_modules/.package-lock.json" ]] &&
  node -e '
    const a = require(process.argv[1]).packages, b = require(process.argv[2]).packages;
    const ver = (p) => Object.fromEntries(Object.entries(p).filter(([k]) => k).map(([k, v]) => [k, v.version]));
    process.exit(JSON.stringify(ver(a)) === JSON.stringify(ver(b)) ? 0 : 1);
  ' "$tools/node_modules/.package-lock.json" "$tools/package-lock.json" 2>/dev/null; then
  pass "tools/terraform: node_modules matches package-lock.json"
elif (cd "$tools" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  pass "tools/terraform: npm ci from package-lock.json"
else
  fail "tools/terraform: npm ci failed"
  echo "$passed passed, $failed failed"
  exit 1
fi

if out=$(terraform fmt -check -recursive -list=true "$repo/terraform" 2>&1); then
  pass "terraform fmt -check -recursive terraform/"
else
  fail "terraform fmt -check -recursive terraform/: not formatted:"
  while IFS= read -r line; do echo "     $line"; done <<<"$out"
fi

checker "parse" node "$tools/check.js" parse "$repo/terraform"
checker "schema" node "$tools/check.js" schema "$repo/terraform" "$cache"
checker "policy" node "$tools/check.js" policy "$repo/terraform"
checker "negative tests" node "$repo/tests/terraform/negative_tests.js" "$repo" "$cache"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
