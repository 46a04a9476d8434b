#!/usr/bin/env bash
# Fuzzes the local stack's API with Schemathesis, a fuzzer nobody here wrote:
# every operation of GET /v1/openapi.json, every check, as a signed-up and
# logged-in user. Fails on any server error, schema violation or other failed
# check (exceptions, each with its reason, in schemathesis.toml and hooks.py).
#
# Installs the pinned Schemathesis (requirements.txt) into a virtualenv, starts
# the local stack in memory on a free port, signs up and logs in a user, runs
# Schemathesis, and stops the stack by its pid.
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (test cases per operation and phase,
# default 50), SCHEMATHESIS_SEED (default 20261123: the same cases every run;
# set another to explore), SCHEMATHESIS_VENV (default .venv/schemathesis,
# ignored by git), SCHEMATHESIS_TIME_LIMIT (seconds before the run is stopped
# and failed, default 600).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-50}"
seed="${SCHEMATHESIS_SEED:-20261123}"
venv="${SCHEMATHESIS_VENV:-$root/.venv/schemathesis}"
time_limit="${SCHEMATHESIS_TIME_LIMIT:-600}"

# Schemathesis, pinned, in its own virtualenv (installed again only when the
# requirements changed).
# shellcheck source=scripts/pinned-venv.sh
. "$root/scripts/pinned-venv.sh"
pinned_venv schemathesis "$here/requirements.txt" "$venv"

work="$(mktemp -d)"
stack_pid=""
stop_stack() {
  if [ -n "$stack_pid" ] && kill -0 "$stack_pid" 2>/dev/null; then
    kill -TERM "$stack_pid"
    wait "$stack_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_stack EXIT

# The local stack, in memory, on a free port; its ready line names the URL.
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true POWERTOOLS_LOG_LEVEL=ERROR \
  node --import tsx packages/local/src/bin/start.ts --port 0 --in-memory --data-dir "$work/state" \
  >"$work/stack.log" 2>&1 &
stack_pid=$!
url=""
for _ in $(seq 1 240); do
  url="$(sed -n 's/^kmsvault local vault ready at \(http:[^ ]*\) .*/\1/p' "$work/stack.log")"
  [ -n "$url" ] && break
  if ! kill -0 "$stack_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
if [ -z "$url" ]; then
  echo "schemathesis: the local stack did not start:" >&2
  cat "$work/stack.log" >&2
  exit 1
fi
echo "schemathesis: local stack at $url (pid $stack_pid)"

# A user of its own: signed up and logged in; its access token (15 minutes,
# longer than the run) is passed to Schemathesis and never printed. Its
# password (24 random bytes) stays in this script: the routes that need it,
# changePassword and deleteAccount, only ever get wrong ones from the fuzzer,
# so it can neither change the password nor delete its own user.
KMSVAULT_FUZZ_TOKEN="$("$venv/bin/python" - "$url" <<'PY'
import secrets
import sys

import requests

url = sys.argv[1]
credentials = {"username": f"fuzz-{secrets.token_hex(6)}", "password": secrets.token_urlsafe(24)}
signup = requests.post(f"{url}/v1/auth/signup", json=credentials, timeout=60)
if signup.status_code != 201:
    sys.exit(f"signup answered {signup.status_code}")
login = requests.post(f"{url}/v1/auth/login", json=credentials, timeout=60)
if login.status_code != 200:
    sys.exit(f"login answered {login.status_code}")
print(login.json()["accessToken"])
PY
)"
export KMSVAULT_FUZZ_TOKEN

# Every check but unsupported_method: a method the API does not define is answered
# by API Gateway itself (Missing Authentication Token, which the template's gateway
# response makes a 404 problem, code not_found), not 405 with Allow; the local stack
# runs the template, so it answers the same.
started=$(date +%s)
status=0
SCHEMATHESIS_HOOKS="$here/hooks.py" timeout --signal=INT "$time_limit" \
  "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" --no-color run "$url/v1/openapi.json" \
  --url "$url" \
  --checks all \
  --exclude-checks unsupported_method \
  --max-examples "$max_examples" \
  --seed "$seed" \
  --workers 2 \
  --output-truncate true \
  || status=$?
echo "schemathesis: $(($(date +%s) - started)) s, exit status $status"
if [ "$status" -ne 0 ]; then
  # What the stack said while failing: its non-JSON lines (worker crashes, timeouts) and errors.
  echo "schemathesis: the local stack's log, errors only:"
  grep -av '"level":"\(INFO\|DEBUG\|WARN\)"' "$work/stack.log" | grep -v '"errorMessage":"Unauthorized"' | tail -40 || true
fi
exit "$status"
