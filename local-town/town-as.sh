#!/bin/sh
# Comments on an issue of a kept local town as a person (`npm run town -- --keep` prints the
# env file): local-town/town-as.sh TOWN_ENV LOGIN ISSUE BODY, e.g. `... mayor 4 /sling` or
# `... ann 1 /peek`. LOGIN is mayor (maintain) or ann (write).
set -eu
if [ $# -ne 4 ]; then
  echo "usage: $0 TOWN_ENV mayor|ann ISSUE BODY" >&2
  exit 2
fi
. "$1"
case "$2" in
  mayor) token=$GASTOWN_TOWN_MAYOR_TOKEN ;;
  ann) token=$GASTOWN_TOWN_ANN_TOKEN ;;
  *) echo "LOGIN is mayor or ann" >&2; exit 2 ;;
esac
body=$(printf '%s' "$4" | node -e 'process.stdout.write(JSON.stringify({ body: require("fs").readFileSync(0, "utf8") }))')
curl -sS -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d "$body" "$GASTOWN_TOWN_API/repos/$GASTOWN_TOWN_REPO/issues/$3/comments"
echo
