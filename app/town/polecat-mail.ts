// The mail a polecat run rings when it ends (DESIGN §7, Mail): a `repository_dispatch` with
// `event_type` `gastown.mail`. It is a doorbell, not a message: whoever handles it reads what the
// claimed run recorded in the ledger and its work ref, never the mail's words, so a forged or a
// lost mail changes nothing the next look would not do. GitHub allows ten top-level keys.
import type { Exit } from "../molecules/runner-commands.js";

export const MAIL_EVENT_TYPE = "gastown.mail";

/** MERGE_READY: work to publish as a pull request; POLECAT_DONE: any other exit; HELP: a polecat asks for people. */
export const MAIL_TYPES = ["MERGE_READY", "POLECAT_DONE", "HELP", "ESCALATION"] as const;
export type MailType = (typeof MAIL_TYPES)[number];

export interface PolecatMail {
  readonly type: MailType;
  readonly bead: string;
  readonly attempt: number;
  /** `polecat/<name>`. */
  readonly from: string;
  readonly subject: string;
  readonly body: string;
  readonly run_id: number;
}

/** The longest body a mail carries: a summary to look at, the ledger holds the whole. */
const MAX_BODY_CHARS = 2000;

export function polecatMail(ended: { exit: Exit; bead: string; attempt: number; polecat: string; runId: number; reason: string }): PolecatMail {
  return {
    type: ended.exit === "COMPLETED" ? "MERGE_READY" : "POLECAT_DONE",
    bead: ended.bead,
    attempt: ended.attempt,
    from: `polecat/${ended.polecat}`,
    subject: `${ended.bead}: ${ended.exit}`,
    body: ended.reason.slice(0, MAX_BODY_CHARS),
    run_id: ended.runId,
  };
}
