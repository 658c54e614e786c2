# Source this file (`source scripts/tools/env.sh`) to put the tools installed by
# scripts/tools/install.sh on PATH, and the Go toolchain too when it is in /usr/local/go.
# Safe to source more than once.
GLIMPSE_TOOLS_DIR="${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}"
export GLIMPSE_TOOLS_DIR
case ":$PATH:" in
  *":$GLIMPSE_TOOLS_DIR/bin:"*) ;;
  *) PATH="$GLIMPSE_TOOLS_DIR/bin:$PATH" ;;
esac
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="$PATH:/usr/local/go/bin"
fi
export PATH
