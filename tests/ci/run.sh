#!/usr/bin/env bash
# shellcheck disable=SC2016 # the mutations below are literal source text
# The `ci` stage: proves the pipeline without Jenkins or a cloud.
#   - npm-groovy-lint (CodeNarc, tools/groovy-lint) passes the Jenkinsfile
#     with no error or warning, and fails a broken one;
#   - tests/check-jenkinsfile passes the declarative structure, and fails each
#     broken copy tests/ci/run.sh makes (one defect each, named by its check);
#   - tests/ci/check-jenkins-values passes ci/jenkins/values.yaml (pinned
#     plugins, valid JCasC, the approval group, every bound credential
#     defined, no secret in the file), and fails broken copies;
#   - shellcheck passes every ci/ and tests/ci/ script, and fails a broken one;
#   - ci/env-from-terraform maps Terraform outputs to environment.env and
#     refuses a missing output or a placeholder;
#   - ci/rehearse passes (the stage scripts in dry run: success, a failed
#     rollout, failed smoke tests), and fails on copies of ci/ whose rollback,
#     rollout wait or digest pinning is broken;
#   - cppcheck, configured as ci/static-analysis runs it, passes this tree and
#     fails it without its suppressions; clang-tidy passes a file with its
#     baseline and fails it without (the whole tree is the pipeline's job).
# One line per check, then "N passed, N failed"; exits 1 on any failure.
#
# Environment: MSG_BUILD_DIR  a built meson dir of this repository (default:
#                             build-ci, set up and built here)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/ci-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
n=0

# check NAME COMMAND...: passes when the command succeeds.
check() {
  local name="$1"; shift
  n=$((n + 1))
  if "$@" >"$work/$n.log" 2>&1; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAILED: $name"; tail -n 25 "$work/$n.log" | sed 's/^/  /'
  fi
}
# check_fails NAME TEXT COMMAND...: passes when the command fails and its
# output holds TEXT (so it failed for the reason the test is about).
# check_fails_at NAME CHECK COMMAND...: the same, where TEXT must be on a
# line reporting a FAILED check (the checkers print one line per check).
check_fails() { fails_with "$1" "$2" "" "${@:3}"; }
check_fails_at() { fails_with "$1" "$2" FAILED "${@:3}"; }
fails_with() {
  local name="$1" text="$2" prefix="$3"; shift 3
  n=$((n + 1))
  if "$@" >"$work/$n.log" 2>&1; then
    failed=$((failed + 1)); echo "FAILED: $name (it passed)"; tail -n 10 "$work/$n.log" | sed 's/^/  /'
  elif ! grep -E "^ *${prefix}" "$work/$n.log" | grep -qF -- "$text"; then
    failed=$((failed + 1)); echo "FAILED: $name (it failed, but not with \"$text\")"
    tail -n 15 "$work/$n.log" | sed 's/^/  /'
  else
    passed=$((passed + 1)); echo "ok: $name"
  fi
}

build_dir="${MSG_BUILD_DIR:-$root/build-ci}"
if [[ ! -x "$build_dir/server/msg-server" ]]; then
  if ! { [[ -f "$build_dir/build.ninja" ]] || meson setup "$build_dir" >"$work/setup.log" 2>&1; } ||
    ! ninja -C "$build_dir" -j2 >"$work/build.log" 2>&1; then
    echo "FAILED: building $build_dir"; tail -n 30 "$work"/*.log
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
export MSG_BUILD_DIR="$build_dir"

# --- the Jenkinsfile: a real linter, then the structure ----------------------
check "npm-groovy-lint: the Jenkinsfile has no error or warning" tools/groovy-lint/lint
mkdir -p "$work/unclosed"
head -n -1 Jenkinsfile >"$work/unclosed/Jenkinsfile"
check_fails "npm-groovy-lint fails a Jenkinsfile with an unclosed block" "error" \
  tools/groovy-lint/lint "$work/unclosed/Jenkinsfile"

check "check-jenkinsfile: the declarative structure" tests/ci/check-jenkinsfile
# mutant NAME EXPECTED-FAILED-CHECK OLD NEW [OLD NEW...]
mutant() {
  local name="$1" expect="$2"; shift 2
  if ! tests/ci/mutate Jenkinsfile "$work/Jenkinsfile.$name" "$@" 2>"$work/mutate.log"; then
    n=$((n + 1)); failed=$((failed + 1)); echo "FAILED: negative $name: $(cat "$work/mutate.log")"
    return
  fi
  check_fails_at "check-jenkinsfile fails: $name" "$expect" \
    tests/ci/check-jenkinsfile "$work/Jenkinsfile.$name"
}
mutant "a stage renamed" "the stages, in order" "stage('Image scan')" "stage('Scan')"
mutant "production before staging" "the stages, in order" \
  "stage('Staging')" "stage('@@')" "stage('Production')" "stage('Staging')" "stage('@@')" "stage('Production')"
mutant "a stage's script dropped" "rehearse's order" "sh 'ci/test-postgres'" "echo 'later'"
mutant "a stage doing the work itself" "runs one ci/ script" "sh 'ci/image-scan'" "sh 'trivy image msg-server'"
mutant "no concurrent-build guard" "options: timeout" "        disableConcurrentBuilds()\n" ""
mutant "production without its branch guard" "run only on main" \
  "stage('Production') {\n            when {\n                beforeAgent true\n                branch 'main'\n            }\n" "stage('Production') {\n"
mutant "an approval that holds an executor" "holds no executor" \
  "            // No agent: the wait holds no executor and no pod.\n            agent none" "            agent any"
mutant "an approval anyone may give" "restricted submitter" ",\n                    submitter: 'msg-release-managers'" ""
mutant "an approval without a timeout" "the approval times out" "timeout(time: 24, unit: 'HOURS')" "retry(1)"
mutant "a pipeline timeout shorter than the approval" "outlasts the approval" \
  "timeout(time: 27, unit: 'HOURS')" "timeout(time: 3, unit: 'HOURS')"
mutant "a pod stage without its own timeout" "has its own timeout" \
  "timeout(time: 60, unit: 'MINUTES')" "retry(1)"
mutant "a guard decided after the pod started" "before a pod starts" \
  "stage('Image') {\n            when {\n                beforeAgent true\n" "stage('Image') {\n            when {\n"
mutant "no JUnit archive" "archives test-results" \
  "junit testResults: 'test-results/**/*.xml', allowEmptyResults: false" "echo 'no reports'"
mutant "no failure notice" "notifies on failure" "    post {\n        failure {" "    post {\n        unstable {"
mutant "a pod template from elsewhere" "Kubernetes pod template from ci/agents/" \
  "yamlFile 'ci/agents/image.yaml'" "yamlFile 'pods/image.yaml'"
mutant "a credential echoed" "echoes a bound credential" "sh 'ci/image-push'" "sh 'echo \$TF_OUTPUTS_JSON'"
mutant "an unbalanced brace" "parses as nested blocks" "        timestamps()\n" "        timestamps()\n    }\n"

# --- Jenkins as code --------------------------------------------------------
check "check-jenkins-values: ci/jenkins/values.yaml serves the Jenkinsfile" tests/ci/check-jenkins-values
# values_mutant NAME EXPECTED-FAILED-CHECK OLD NEW
values_mutant() {
  local name="$1" expect="$2"; shift 2
  if ! tests/ci/mutate ci/jenkins/values.yaml "$work/values.$n.yaml" "$@" 2>"$work/mutate.log"; then
    n=$((n + 1)); failed=$((failed + 1)); echo "FAILED: negative $name: $(cat "$work/mutate.log")"
    return
  fi
  check_fails_at "check-jenkins-values fails: $name" "$expect" \
    tests/ci/check-jenkins-values "$work/values.$n.yaml"
}
values_mutant "an unpinned plugin" "every plugin is pinned" "    - timestamper:1.30" "    - timestamper"
values_mutant "a credential the Jenkinsfile binds, missing" "every credential the Jenkinsfile binds" \
  "id: msg-smoke-api-key-production" "id: msg-smoke-key-prod"
values_mutant "a secret written into the file" "no credential value is written" \
  'secret: "${jenkins-msg-credentials-smoke-api-key-staging}"' 'secret: "hunter2"'

# --- shellcheck -------------------------------------------------------------
mapfile -t scripts < <(find ci tests/ci -type f -perm -u+x ! -name '*.py' | while read -r f; do
  head -n 1 "$f" | grep -q 'bash' && echo "$f"; done | sort)
scripts+=(ci/lib/common.sh)
check "shellcheck: ${#scripts[@]} ci/ and tests/ci/ scripts" shellcheck -x "${scripts[@]}"
tests/ci/mutate ci/deploy "$work/deploy" 'ci_kube_login' 'rm -rf $dir/old; ci_kube_login'
check_fails "shellcheck fails a script with an unquoted expansion" "SC2086" shellcheck -x "$work/deploy"

# --- Terraform outputs to environment.env -------------------------------------
jq -n '{hostname:"msg.t.invalid", acm_certificate_arn:"arn:aws:acm:r-1:1:certificate/c",
  database_secret_arn:"arn:aws:secretsmanager:r-1:1:secret:s", database_endpoint:"db.t.invalid:5432",
  database_name:"msg", fluent_bit_role_arn:"arn:aws:iam::1:role/f", log_group_name:"/msg/t",
  region:"r-1", public_subnets_aggregate_cidr:"10.1.0.0/20", database_subnets_aggregate_cidr:"10.1.32.0/20",
  ecr_repository_url:"r.invalid/msg-server", cluster_name:"c"} | map_values({value: ., type: "string"})' \
  >"$work/outputs.json"
env_file_ok() {
  ci/env-from-terraform "$work/outputs.json" >"$work/environment.env" || return 1
  diff <(sed -n 's/=.*//p' k8s/overlays/aws/environment.env) <(sed -n 's/=.*//p' "$work/environment.env") &&
    grep -qx 'MSG_LOG_GROUP=/msg/t' "$work/environment.env" && grep -qx 'MSG_AWS_REGION=r-1' "$work/environment.env" &&
    grep -qx 'MSG_LB_SOURCE_CIDR=10.1.0.0/20' "$work/environment.env" &&
    grep -qx 'MSG_DATABASE_CIDR=10.1.32.0/20' "$work/environment.env"
}
check "env-from-terraform: every key of environment.env, from its Terraform output" env_file_ok
jq 'del(.log_group_name)' "$work/outputs.json" >"$work/outputs-missing.json"
check_fails "env-from-terraform refuses a missing output" "MSG_LOG_GROUP (Terraform output log_group_name)" \
  ci/env-from-terraform "$work/outputs-missing.json"
jq '.hostname.value = "msg.placeholder.invalid"' "$work/outputs.json" >"$work/outputs-placeholder.json"
check_fails "env-from-terraform refuses a placeholder value" "MSG_HOSTNAME (Terraform output hostname)" \
  ci/env-from-terraform "$work/outputs-placeholder.json"

# --- the rehearsal, and rehearsals of broken pipelines ------------------------
check "ci/rehearse: success, failed rollout and failed smoke runs all behave" ci/rehearse
# broken_rehearsal NAME EXPECTED-FAILED-CHECK SCRIPT OLD NEW: ci/rehearse in a
# copy of the tree whose SCRIPT has OLD replaced by NEW.
broken_rehearsal() {
  local name="$1" expect="$2" script="$3" copy="$work/tree-$n"
  shift 3
  mkdir -p "$copy"
  cp -R ci k8s meson.build "$copy/"
  if ! tests/ci/mutate "ci/$script" "$copy/ci/$script" "$@" 2>"$work/mutate.log"; then
    n=$((n + 1)); failed=$((failed + 1)); echo "FAILED: negative $name: $(cat "$work/mutate.log")"
    return
  fi
  check_fails_at "ci/rehearse catches $name" "$expect" "$copy/ci/rehearse"
}
broken_rehearsal "a rollback that never runs rollout undo" "rollout: rollout status failed, then rollout undo" \
  rollback 'kubectl -n "$CI_NAMESPACE" rollout undo' 'true'
broken_rehearsal "a failed release that is not rolled back" "smoke: the smoke tests failed, then rollout undo" \
  verify-release 'if "$CI_DIR/rollback"; then' 'if true; then'
broken_rehearsal "a deploy that does not wait for the rollout" "success: the recorded cloud and build commands" \
  verify-release 'if ! kubectl -n "$CI_NAMESPACE" rollout status' 'if ! true'
broken_rehearsal "a deploy that pins a tag, not the digest" "success: staging renders and applies" \
  render-overlay 'image="$repo_url@$digest"' 'image="$repo_url:latest"'

# --- the C analysers as the pipeline runs them --------------------------------
check "cppcheck passes this tree (ci/cppcheck-suppressions.txt)" ci/static-analysis cppcheck
: >"$work/empty-list"
check_fails_at "cppcheck fails this tree without its suppressions" "cppcheck" \
  env CI_CPPCHECK_SUPPRESSIONS="$work/empty-list" ci/static-analysis cppcheck
# clang-tidy over all the shipped code takes 1-2 minutes on two cores: the
# pipeline's Static analysis stage runs that. Here one file shows that the
# baseline is what separates a pass from a failure.
check "clang-tidy passes libmsg/src/text.c with ci/clang-tidy-baseline.txt" \
  env CI_TIDY_PATHS='^libmsg/src/text\.c$' ci/static-analysis clang-tidy
check_fails "clang-tidy fails libmsg/src/text.c without the baseline" "clang-analyzer-core.NullDereference" \
  env CI_TIDY_PATHS='^libmsg/src/text\.c$' CI_TIDY_BASELINE="$work/empty-list" ci/static-analysis clang-tidy

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
