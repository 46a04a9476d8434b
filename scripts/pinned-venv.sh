# shellcheck shell=bash
# Sourced by the scripts that run pinned Python tools (Schemathesis, the template
# checks). pinned_venv TAG REQUIREMENTS VENV makes VENV a virtualenv with exactly
# REQUIREMENTS installed, and installs again only when that file has changed.
pinned_venv() {
  local tag="$1" requirements="$2" venv="$3"
  if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    echo "$tag: installing requirements.txt into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
}
