#!/usr/bin/env bash
# Checks every synthesized template (cdk.out/*.template.json, made by `pnpm synth`)
# with two CloudFormation checkers nobody here wrote: cfn-lint (schema, values and
# best practices, every rule class including informational ones, against the
# stack's own region) and checkov (security policies). Fails on any finding, and
# when there is no template. The rules skipped, each with its reason, are in
# skips.yaml, the only list.
#
# Installs the pinned tools (requirements.txt) into a virtualenv, then prints a
# line per template for cfn-lint and one for checkov; a finding is printed in full.
#
# Environment: TEMPLATE_CHECKS_VENV (default .venv/template-checks, ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="${TEMPLATE_CHECKS_VENV:-$root/.venv/template-checks}"

# cfn-lint and checkov, pinned, in their own virtualenv (installed again only when
# the requirements changed).
# shellcheck source=scripts/pinned-venv.sh
. "$root/scripts/pinned-venv.sh"
pinned_venv template-checks "$here/requirements.txt" "$venv"

shopt -s nullglob
templates=(cdk.out/*.template.json)
shopt -u nullglob
if [ "${#templates[@]}" -eq 0 ]; then
  echo "template-checks: no cdk.out/*.template.json; run 'pnpm synth' first" >&2
  exit 1
fi

# The skipped ids, from skips.yaml: line 1 for cfn-lint, line 2 for checkov
# (comma-separated). Every entry needs an id of its tool's form and a reason.
skips="$("$venv/bin/python" - "$here/skips.yaml" <<'PY'
import re
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as file:
    skips = yaml.safe_load(file) or {}
forms = {"cfn-lint": r"[EWI]\d{4}", "checkov": r"CKV2?_AWS_\d+"}
unknown = set(skips) - set(forms)
if unknown:
    sys.exit(f"skips.yaml: unknown tool(s) {sorted(unknown)}; expected {sorted(forms)}")
for tool, form in forms.items():
    ids = []
    for entry in skips.get(tool) or []:
        if not isinstance(entry, dict) or set(entry) != {"id", "reason"}:
            sys.exit(f"skips.yaml: {tool}: each entry has exactly an id and a reason: {entry!r}")
        if not re.fullmatch(form, str(entry["id"])):
            sys.exit(f"skips.yaml: {tool}: {entry['id']!r} is not a {tool} rule id")
        if not str(entry["reason"] or "").strip():
            sys.exit(f"skips.yaml: {tool}: {entry['id']} has no reason")
        if entry["id"] in ids:
            sys.exit(f"skips.yaml: {tool}: {entry['id']} is listed twice")
        ids.append(entry["id"])
    print(",".join(ids))
PY
)"
cfn_lint_skips="$(sed -n 1p <<<"$skips")"
checkov_skips="$(sed -n 2p <<<"$skips")"

# The region each template is deployed to, from the cloud assembly's manifest.
region_of() {
  "$venv/bin/python" - "$1" <<'PY'
import json
import os
import sys

template = os.path.basename(sys.argv[1])
with open("cdk.out/manifest.json", encoding="utf-8") as file:
    artifacts = json.load(file)["artifacts"]
for artifact in artifacts.values():
    if artifact.get("properties", {}).get("templateFile") == template:
        region = artifact["environment"].rsplit("/", 1)[1]
        print("us-east-1" if region == "unknown-region" else region)
        break
else:
    sys.exit(f"template-checks: {template} is not a stack of cdk.out/manifest.json (left by an older synth); run pnpm synth first, which writes every environment")
PY
}

started=$(date +%s)
status=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
read -r cfn_lint_version checkov_version < <("$venv/bin/python" -c \
  'from importlib.metadata import version; print(version("cfn-lint"), version("checkov"))')
for template in "${templates[@]}"; do
  name="$(basename "$template" .template.json)"
  region="$(region_of "$template")"

  cfn_lint_args=(--regions "$region" --include-checks I --non-zero-exit-code informational)
  if [ -n "$cfn_lint_skips" ]; then
    IFS=, read -ra ignored <<<"$cfn_lint_skips"
    cfn_lint_args+=(--ignore-checks "${ignored[@]}")
  fi
  if "$venv/bin/cfn-lint" "${cfn_lint_args[@]}" -- "$template" >"$out" 2>&1; then
    echo "template-checks: cfn-lint $cfn_lint_version  $name ($region): no findings"
  else
    status=1
    echo "template-checks: cfn-lint $cfn_lint_version  $name ($region): FINDINGS"
    cat "$out"
  fi
done

# checkov once over every template (its start-up dominates a run).
checkov_args=(--framework cloudformation --compact --quiet --skip-download --output cli)
for template in "${templates[@]}"; do checkov_args+=(--file "$template"); done
if [ -n "$checkov_skips" ]; then checkov_args+=(--skip-check "$checkov_skips"); fi
if CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" "${checkov_args[@]}" >"$out" 2>&1; then
  echo "template-checks: checkov $checkov_version  ${#templates[@]} templates: $(grep -m1 -o 'Passed checks: .*' "$out" || echo 'no findings')"
else
  status=1
  echo "template-checks: checkov $checkov_version  ${#templates[@]} templates: FINDINGS"
  cat "$out"
fi
skipped_cfn_lint=$(tr ',' '\n' <<<"$cfn_lint_skips" | grep -c . || true)
skipped_checkov=$(tr ',' '\n' <<<"$checkov_skips" | grep -c . || true)
echo "template-checks: ${#templates[@]} templates, $(($(date +%s) - started)) s, exit status $status" \
  "(skipped per infra/template-checks/skips.yaml: $skipped_cfn_lint cfn-lint, $skipped_checkov checkov rules)"
exit "$status"
