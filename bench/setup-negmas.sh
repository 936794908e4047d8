#!/usr/bin/env bash
# Create bench/.venv with NegMAS 0.16.0 for bench/negmas_analysis.py.
# Idempotent: does nothing if the venv already has negmas 0.16.0.
# Usage (from anywhere): bench/setup-negmas.sh     [PYTHON=python3.11 to pick the interpreter]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
PY="${PYTHON:-python3}"
NEGMAS_VERSION="0.16.0"

if [ -x "$VENV/bin/python" ] && \
   "$VENV/bin/python" -c "import negmas, sys; sys.exit(0 if negmas.__version__ == '$NEGMAS_VERSION' else 1)" 2>/dev/null; then
    echo "bench/.venv already has negmas $NEGMAS_VERSION; nothing to do."
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV with $("$PY" --version 2>&1)"
    "$PY" -m venv "$VENV"
fi

"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install "negmas==$NEGMAS_VERSION"
"$VENV/bin/python" -c "import negmas; print('negmas', negmas.__version__, 'installed in', '$VENV')"
