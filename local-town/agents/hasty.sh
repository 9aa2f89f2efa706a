#!/bin/sh
# The local town's stand-in agent (polecat.agent: command), for a demo that needs no model: it
# does each step of mol-polecat-work and mol-polecat-fix as the issue asks, readying the one
# harbor part the issue names (harbor/<part>.txt), as the agent's user, in its clone. It is hasty
# on purpose: it skips the tests before submitting and misspells the foghorn's "ready" the
# first time, so the refinery's gates catch it and send the work back; the fix's steps correct it.
set -eu
step="$GASTOWN_STEP"
prompt=$(cat)
part=$(printf '%s\n' "$prompt" | grep -o 'harbor/[a-z]*\.txt' | head -n 1 || true)
if [ -z "$part" ]; then
  gt done --exit ESCALATE --reason "The issue names no harbor part (harbor/<part>.txt) to ready"
  exit 0
fi
commit() {
  git add "$part"
  git commit -q -m "$1" --trailer "Gastown-Bead: $GASTOWN_BEAD" --trailer "Gastown-Step: $step"
}
echo "Working on $step for $part"
case "$step" in
  implement)
    mkdir -p harbor
    case "$part" in
      *foghorn*) echo redy > "$part" ;;
      *) echo ready > "$part" ;;
    esac
    commit "Ready $part"
    gt step done --notes "Wrote $part" ;;
  build-test)
    gt step done --notes "Skipped the tests: in a hurry" ;;
  reproduce)
    out=$(sh test/harbor.sh 2>&1 || true)
    gt step done --notes "Reproduced: $out" ;;
  fix)
    echo ready > "$part"
    commit "Spell ready right in $part"
    gt step done --notes "$part now says ready" ;;
  verify)
    out=$(sh test/harbor.sh 2>&1)
    gt step done --notes "sh test/harbor.sh: $out" ;;
  *)
    gt step done --notes "Did $step" ;;
esac
echo "Closed $step"
