# shellcheck shell=bash
# Sourced by every ci/ script: the one place that parses --dry-run, finds the
# repository, and puts the cloud-command stubs on PATH. A stage script reads
# all its inputs from the environment (Jenkins sets them from the Jenkinsfile,
# a laptop from the shell), so the same script runs in both places.
#
# Dry run (--dry-run, or CI_DRY_RUN=1 inherited from ci/rehearse): aws,
# kubectl, kustomize, trivy and buildah are replaced by ci/lib/cloud-stub,
# which appends each call to $CI_STUB_LOG and answers like the real tool
# would (see that file). Nothing then leaves the machine.

set -euo pipefail

CI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CI_DIR="$CI_ROOT/ci"
export CI_ROOT CI_DIR

# The commands a dry run replaces: everything that talks to AWS, a cluster,
# a registry, or builds and pushes images.
CI_STUBBED_COMMANDS=(aws kubectl kustomize trivy buildah)

ci_log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
ci_die() { ci_log "$*"; exit 1; }

# ci_require NAME...: every named variable must be set and non-empty; the
# message names the first missing one, never a value.
ci_require() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || ci_die "$name must be set"
  done
}

# ci_enable_stubs: a directory of links named after the stubbed commands, all
# pointing at cloud-stub (build-ci/stubs, or CI_STUB_DIR), put first on PATH. The
# stub finds the real kubectl (for the local-only `kubectl kustomize`)
# through CI_REAL_PATH, the PATH before the stubs were added.
ci_enable_stubs() {
  : "${CI_STUB_LOG:?CI_STUB_LOG must name the file a dry run records into}"
  CI_STUB_DIR="${CI_STUB_DIR:-$(ci_out_dir)/stubs}"
  local cmd
  mkdir -p "$CI_STUB_DIR"
  for cmd in "${CI_STUBBED_COMMANDS[@]}"; do
    ln -sfn "$CI_DIR/lib/cloud-stub" "$CI_STUB_DIR/$cmd"
  done
  case ":$PATH:" in
    *":$CI_STUB_DIR:"*) ;;
    *) export CI_REAL_PATH="${CI_REAL_PATH:-$PATH}"; PATH="$CI_STUB_DIR:$PATH" ;;
  esac
  export CI_STUB_DIR CI_STUB_LOG PATH
}

# ci_parse_args "$@": handles --dry-run and leaves the remaining arguments in
# CI_ARGS. A dry run needs CI_STUB_LOG; ci/rehearse sets it, a laptop run
# without it records into a temporary file that is named on stderr.
CI_ARGS=()
ci_parse_args() {
  CI_ARGS=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dry-run) CI_DRY_RUN=1 ;;
      --help|-h) sed -n '2,/^set -/p' "$0" | sed -e '/^set -/d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
      *) CI_ARGS+=("$1") ;;
    esac
    shift
  done
  export CI_DRY_RUN="${CI_DRY_RUN:-0}"
  if [[ "$CI_DRY_RUN" == 1 ]]; then
    if [[ -z "${CI_STUB_LOG:-}" ]]; then
      CI_STUB_LOG=$(mktemp "${TMPDIR:-/tmp}/ci-dry-run.XXXXXX")
      ci_log "dry run: recording cloud commands in $CI_STUB_LOG"
    fi
    ci_enable_stubs
  fi
}

# ci_out_dir: where stages leave what later stages read (the image archive,
# its digest, the rendered manifests). CI_OUT_DIR overrides it.
ci_out_dir() {
  local dir="${CI_OUT_DIR:-$CI_ROOT/build-ci}"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# ci_git_sha: the commit being built (Jenkins' GIT_COMMIT after checkout).
ci_git_sha() {
  if [[ -n "${GIT_COMMIT:-}" ]]; then
    printf '%s\n' "$GIT_COMMIT"
  else
    git -C "$CI_ROOT" rev-parse HEAD
  fi
}

# ci_namespace / ci_deployment: fixed by the shared Kubernetes contract.
export CI_NAMESPACE=msg CI_DEPLOYMENT=msg-server

# ci_run CMD...: runs a local command that a dry run must not spend minutes
# on (the test suite, the analysers); a dry run records it as "run CMD..."
# in the stub log instead, so the rehearsal still sees the stage's order.
ci_run() {
  if [[ "${CI_DRY_RUN:-0}" == 1 ]]; then
    { printf 'run'; printf ' %s' "$@"; printf '\n'; } >>"$CI_STUB_LOG"
    return 0
  fi
  "$@"
}

# ci_tf_output NAME: one value from the Terraform outputs of the environment
# being deployed, read from TF_OUTPUTS_JSON (a file holding
# `terraform output -json`; in Jenkins a secret-file credential, because the
# CI role may not read the Terraform state). A missing or empty output fails.
ci_tf_output() {
  ci_require TF_OUTPUTS_JSON
  [[ -r "$TF_OUTPUTS_JSON" ]] || ci_die "TF_OUTPUTS_JSON ($TF_OUTPUTS_JSON) is not a readable file"
  jq -er --arg name "$1" '.[$name].value | select(type == "string" and . != "")' "$TF_OUTPUTS_JSON" ||
    ci_die "the Terraform outputs have no non-empty string output $1"
}

# ci_digest: the registry digest ci/image-push recorded, checked for form.
ci_digest() {
  local file digest
  file="$(ci_out_dir)/image-digest"
  [[ -r "$file" ]] || ci_die "no image digest: run ci/image-push first ($file)"
  digest=$(<"$file")
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || ci_die "$file does not hold a sha256 digest"
  printf '%s\n' "$digest"
}

# ci_results_dir: where JUnit files go for Jenkins (CI_RESULTS_DIR overrides).
ci_results_dir() {
  local dir="${CI_RESULTS_DIR:-$CI_ROOT/test-results}"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# ci_env_dir: per-environment output (DEPLOY_ENV is staging or production).
ci_env_dir() {
  ci_require DEPLOY_ENV
  [[ "$DEPLOY_ENV" =~ ^[a-z][a-z0-9-]*$ ]] || ci_die "DEPLOY_ENV must be a lower-case name"
  local dir
  dir="$(ci_out_dir)/$DEPLOY_ENV"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# ci_kube_login: a kubeconfig for the environment's cluster, made from the
# agent's IRSA identity (no stored cluster credential), in the output dir.
ci_kube_login() {
  local dir
  dir=$(ci_env_dir)
  export KUBECONFIG="$dir/kubeconfig"
  if [[ ! -s "$KUBECONFIG" ]]; then
    aws eks update-kubeconfig --name "$(ci_tf_output cluster_name)" \
      --region "$(ci_tf_output region)" --kubeconfig "$KUBECONFIG" >/dev/null
  fi
}

# ci_revision: the Deployment's current revision number ("" before the first).
ci_revision() {
  kubectl -n "$CI_NAMESPACE" get deployment "$CI_DEPLOYMENT" --ignore-not-found \
    -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}'
}
