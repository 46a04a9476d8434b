#!/usr/bin/env bash
# The Python consumer's virtualenv (.venv/consumer-python): the pinned packages
# of requirements.txt, then the kmsvault-cdk wheel jsii-pacmak built, from the
# file only; `pip check` then proves its requirements are met by the pinned ones.
set -euo pipefail
cd "$(dirname "$0")/../../.."
# shellcheck source=../../../scripts/pinned-venv.sh
source scripts/pinned-venv.sh
venv=.venv/consumer-python
pinned_venv consumer infra/consumer-test/python/requirements.txt "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index --no-deps --force-reinstall infra/dist/python/kmsvault_cdk-*.whl
"$venv/bin/pip" check >&2
echo "$PWD/$venv/bin/python"
