// The bare repository's pre-receive hook: git runs it with each pushed `old new ref` line, and
// a non-zero exit refuses the whole push, with what it wrote shown after `remote:`. It holds
// the two guards GitHub applies to a push: workflow files (./workflow-guard.ts) and branch rules
// (../state/branch-rules.ts). The server tells it, through the environment, what the pusher may:
// EMULATOR_WORKFLOWS_ALLOWED and EMULATOR_CREDENTIAL for workflow files, EMULATOR_BRANCH_RULES
// (one `refs/heads/<branch> <rule type>…` line per branch whose rules hold the pusher) and
// EMULATOR_RULES_URL for the rules.
import { NO_FORCE_PUSH, NO_MERGE_COMMITS, THROUGH_PULL_REQUEST } from "../state/branch-rules.js";
import { WORKFLOW_HOOK_CHECK } from "./workflow-guard.js";

// GitHub's refusal of a push that breaks a branch's rules, as `git push` shows it:
//   remote: error: GH013: Repository rule violations found for refs/heads/main.
//   remote: Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fmain
//   remote:
//   remote: - Changes must be made through a pull request.
const RULES_HOOK_CHECK = `
while read -r old new ref; do
  [ -z "$ref" ] && continue
  [ "$new" = "$zero" ] && continue
  rules=$(printf '%s\\n' "$EMULATOR_BRANCH_RULES" | awk -v ref="$ref" '$1 == ref { $1 = ""; print }')
  [ -z "$rules" ] && continue
  violations=""
  case " $rules " in *" pull_request "*) violations="$violations
- ${THROUGH_PULL_REQUEST}
" ;; esac
  case " $rules " in *" non_fast_forward "*)
    if [ "$old" != "$zero" ] && ! git merge-base --is-ancestor "$old" "$new"; then violations="$violations
- ${NO_FORCE_PUSH}
"; fi ;; esac
  case " $rules " in *" required_linear_history "*)
    if [ "$old" = "$zero" ]; then merges=$(git rev-list --merges "$new" --not --all); else merges=$(git rev-list --merges "$old..$new"); fi
    if [ -n "$merges" ]; then violations="$violations
- ${NO_MERGE_COMMITS}
"; fi ;; esac
  if [ -n "$violations" ]; then
    refused=1
    encoded=$(printf '%s' "$ref" | sed 's|/|%2F|g')
    echo "error: GH013: Repository rule violations found for $ref." >&2
    echo "Review all repository rules at $EMULATOR_RULES_URL?ref=$encoded" >&2
    printf '%s\\n' "$violations" >&2
  fi
done <<UPDATES
$updates
UPDATES
`;

export const PRE_RECEIVE_HOOK = `#!/bin/sh
# Written by the GitHub emulator (test/emulator/git/pre-receive.ts): refuses pushes that change
# .github/workflows/ without the right to, or that break a branch's rules.
zero=0000000000000000000000000000000000000000
refused=0
updates=$(cat)
${WORKFLOW_HOOK_CHECK}
${RULES_HOOK_CHECK}
exit $refused
`;
