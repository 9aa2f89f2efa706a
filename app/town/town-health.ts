// The rig's town health issue, as people read it: one section per finding, each naming the
// file, line or setting where it applies and saying what to do. The body holds nothing that
// changes from one pass to the next unless a finding does (no pass time, no ages), so a pass
// that finds the same edits nothing. What others wrote (settings, ledger lines, GitHub's words)
// is shown fenced or without its mentions, so the issue pings no one.
import { CONFIG_FILE, formatConfigProblem } from "../config/read-config.js";
import { counted } from "../ledger/ledger-problems.js";
import { formatLocatedProblem } from "../yaml/located-yaml.js";
import type { Finding } from "./deacon.js";
import { fenced, withoutMentions } from "./fenced-text.js";
import { ledgerErrorLines } from "./unreadable-ledger.js";

export const TOWN_HEALTH_LABEL = "gt:town-health";
/** Starts the body: the App's own health issue, not a person's with the same label. */
export const TOWN_HEALTH_MARKER = "<!-- gastown:town-health -->";
export const TOWN_HEALTH_TITLE = "Gas Town: town health";
/** Said when the issue is closed because nothing is wrong any more. */
export const TOWN_HEALTH_CLOSED = "All clear: the deacon's last pass found nothing wrong here, so this issue is closed. It opens a new one if something goes wrong again.";

export function townHealthBody(findings: readonly Finding[]): string {
  return [
    TOWN_HEALTH_MARKER,
    `The deacon, Gas Town's patrol over every repository of the installation, found ${counted(findings.length, "problem", "problems")} here ` +
      "that a person must fix. It brings this issue up to date on each pass, and closes it once all is well.",
    ...findings.flatMap((finding) => ["", ...section(finding)]),
  ].join("\n") + "\n";
}

function section(finding: Finding): string[] {
  switch (finding.kind) {
    case "config":
      return [
        `### \`${CONFIG_FILE}\` does not read`,
        "",
        "Gas Town does nothing in this repository until it does: no sling, no command, no patrol. Fix these settings " +
          "(each line names the file, line, column and setting):",
        "",
        fenced(finding.problems.map(formatConfigProblem).join("\n")),
      ];
    case "polecat-workflow-missing":
      return [
        "### The polecat workflow is missing",
        "",
        `\`${finding.file}\` (\`polecat.workflow\` in \`${CONFIG_FILE}\`) is not in the repository, so no sling can start a polecat. ` +
          "Add it (the README's \"The polecat workflow and its secrets\" has one to copy), or set `polecat.workflow` to the workflow file the repository has.",
      ];
    case "polecat-workflow-disabled":
      return [
        "### The polecat workflow is disabled",
        "",
        `\`${finding.file}\` (\`polecat.workflow\` in \`${CONFIG_FILE}\`) is \`${finding.state}\`: ${disabledWhy(finding.state)}. ` +
          "GitHub refuses to dispatch it, so no sling can start a polecat. Enable it on the repository's Actions page.",
      ];
    case "polecat-workflow-refused":
      return [
        "### GitHub refuses the polecat workflow",
        "",
        `Asked for \`${finding.file}\` (\`polecat.workflow\` in \`${CONFIG_FILE}\`), GitHub answered ${finding.status}: ${withoutMentions(finding.message)}. ` +
          "A sling cannot dispatch it either. Check that the App's installation covers this repository with the Actions permission (write).",
      ];
    case "polecat-workflow-undispatchable":
      return [
        "### GitHub would refuse to dispatch the polecat workflow",
        "",
        ...(finding.problem === undefined
          ? [
            `A sling dispatches \`${finding.file}\` on \`${finding.ref}\` (\`polecat.ref\` in \`${CONFIG_FILE}\`, else the default branch), ` +
              `and it is not there, so GitHub refuses the dispatch. Put it on \`${finding.ref}\`, or set \`polecat.ref\` to a branch that has it.`,
          ]
          : [
            `A sling dispatches \`${finding.file}\` on \`${finding.ref}\`, and GitHub would refuse it:`,
            "",
            fenced(formatLocatedProblem(finding.problem)),
            "",
            "Fix the workflow (the README's \"The polecat workflow and its secrets\" has one to copy).",
          ]),
      ];
    case "patrol-workflow-disabled":
      return [
        "### The patrol workflow is disabled",
        "",
        `\`${finding.file}\` is \`${finding.state}\`: ${disabledWhy(finding.state)}. Its schedule no longer runs the witness's patrol here, ` +
          "so stuck and crashed polecats wait for the next event to be noticed. Enable it on the repository's Actions page.",
      ];
    case "ledger":
      return [
        "### The ledger does not validate",
        "",
        `\`.beads/issues.jsonl\` on \`${finding.branch}\` (\`ledger.branch\` in \`${CONFIG_FILE}\`) has ${counted(finding.errors.length, "error", "errors")}, ` +
          "so Gas Town can neither sling nor record anything here. Fix them on the branch (`gt ledger validate` lists every one); " +
          "Gas Town rewrites nothing:",
        "",
        ledgerErrorLines(finding.errors),
      ];
    case "escalation":
      return [
        `### Escalation #${finding.escalation.number} has no answer`,
        "",
        `#${finding.escalation.number} has waited for an answer from a person since ${finding.escalation.since}. ` +
          `Gas Town reminds on it every ${finding.hours} hours${finding.escalation.mention === undefined ? "" : ", mentioning whoever slung the work"} ` +
          `(\`deacon.escalation_reminder_hours\` in \`${CONFIG_FILE}\`). Answer there, or close it once the work is in hand.`,
      ];
  }
}

function disabledWhy(state: string): string {
  switch (state) {
    case "disabled_manually":
      return "someone disabled it";
    case "disabled_inactivity":
      return "GitHub disabled it after 60 days without activity in the repository";
    case "disabled_fork":
      return "GitHub disables a fork's workflows until someone enables them";
    default:
      return "GitHub shows it as not active";
  }
}
