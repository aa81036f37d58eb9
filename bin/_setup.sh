# Shared set-up for bin/run and bin/test. Idempotent: each step is skipped when its inputs have
# not changed since it last ran (a stamp file records a hash of the inputs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }
fresh() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

setup_python() {
  local py="${PYTHON:-python3}"
  command -v "$py" >/dev/null || fail "Python 3.11 or newer is needed: install python3 (e.g. apt-get install python3 python3-venv)."
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
    || fail "Python 3.11 or newer is needed; $py is $("$py" --version 2>&1)."
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv"
    "$py" -m venv .venv || fail "Could not create a virtual environment: install python3-venv."
  fi
  local want; want="$(hash_of requirements.txt)"
  if ! fresh .venv/.requirements.sha "$want"; then
    if [ ! -x .venv/bin/uv ]; then
      say "Installing uv"
      .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
    fi
    say "Installing Python dependencies (uv)"
    .venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements.txt
    echo "$want" > .venv/.requirements.sha
  fi
}

setup_assets() {
  command -v npm >/dev/null || fail "Node.js 20 or newer with npm is needed to build the GOV.UK Frontend assets."
  local want; want="$(hash_of package.json package-lock.json)"
  if [ ! -d node_modules/govuk-frontend ] || ! fresh node_modules/.deps.sha "$want"; then
    say "Installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.deps.sha
  fi
  local want_assets; want_assets="$(hash_of package-lock.json $(find assets -type f | sort))"
  if ! fresh static_build/.assets.sha "$want_assets"; then
    say "Compiling GOV.UK Frontend (Sass, Arial)"
    rm -rf static_build
    mkdir -p static_build/css static_build/js static_build/assets
    npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules \
      assets/scss/application.scss static_build/css/application.css
    cp -r node_modules/govuk-frontend/dist/govuk/assets/images static_build/assets/
    cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static_build/js/
    cp assets/js/*.js static_build/js/
    cp node_modules/axe-core/axe.min.js static_build/js/axe.min.js
    echo "$want_assets" > static_build/.assets.sha
  fi
}

setup_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "Installing Debian's chromium for the browser tests (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  else
    fail "The browser tests need Chromium at /usr/bin/chromium. Install it (as root: apt-get install -y chromium) and run this again."
  fi
}
