#!/bin/sh
# Create bench/peer/.venv with the pinned peer (wagtail-lms) if it is missing or out of date.
# Third-party code stays in the gitignored virtualenv; nothing of it is committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
stamp="$venv/.bench-requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$here/requirements.txt" "$stamp"; then
    exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cp "$here/requirements.txt" "$stamp"
"$venv/bin/python" -c "import importlib.metadata as m; print('wagtail-lms', m.version('wagtail-lms'))"
