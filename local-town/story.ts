// The story the local town tells in the terminal: one short line for each thing worth seeing,
// read from the webhooks GitHub sent (what people and the App did) and from the runner's jobs
// (what each polecat and gates run did). No I/O: start-local-town.ts feeds it and town.ts prints.
// It remembers a little (which polecat works which bead, what each status comment said last),
// so a heartbeat names its polecat and a status comment is told only when its headline changes.

/** A webhook as the emulator recorded it. */
export interface SeenDelivery {
  readonly event: string;
  readonly action: string | undefined;
  readonly payload: Record<string, unknown>;
}

interface Payload {
  readonly sender?: { readonly login?: string };
  readonly label?: { readonly name?: string };
  readonly issue?: { readonly number?: number; readonly title?: string; readonly pull_request?: unknown };
  readonly comment?: { readonly id?: number; readonly body?: string };
  readonly pull_request?: {
    readonly number?: number; readonly title?: string; readonly merged?: boolean;
    readonly head?: { readonly ref?: string };
  };
  readonly review?: { readonly state?: string };
  readonly workflow_run?: { readonly display_title?: string; readonly conclusion?: string | null };
  readonly check_run?: { readonly name?: string; readonly external_id?: string | null; readonly output?: { readonly title?: string | null } };
}

const BOT = "gastown[bot]";
/** The run-name of a polecat run (examples/workflows/gastown-polecat.yml). */
const POLECAT_RUN = /^polecat (\S+) · (\S+) · attempt (\d+)$/;

export class Story {
  private readonly polecats = new Map<string, string>();
  private readonly headlines = new Map<number, string>();

  fromDelivery(delivery: SeenDelivery): string[] {
    const p = delivery.payload as Payload;
    const who = p.sender?.login ?? "someone";
    switch (`${delivery.event}.${delivery.action ?? ""}`) {
      case "issues.opened":
        return [`${who} opened issue #${p.issue?.number}: ${p.issue?.title}`];
      case "issues.labeled":
        return p.label?.name?.startsWith("gt:sling") === true && who !== BOT ? [`${who} slung #${p.issue?.number} (label ${p.label.name})`] : [];
      case "issues.closed":
        return p.issue?.pull_request === undefined ? [`issue #${p.issue?.number} closed: ${p.issue?.title}`] : [];
      case "issue_comment.created":
      case "issue_comment.edited":
        return this.comment(who, p.issue?.number, p.comment, delivery.action === "created");
      case "workflow_run.requested": {
        const title = p.workflow_run?.display_title ?? "";
        const polecat = POLECAT_RUN.exec(title);
        if (polecat) this.polecats.set(polecat[2] as string, polecat[1] as string);
        return [`GitHub queued the run “${title}”`];
      }
      case "workflow_run.completed":
        return [`the run “${p.workflow_run?.display_title}” ended: ${p.workflow_run?.conclusion}`];
      case "check_run.created":
        return p.check_run?.name === "gastown/polecat" ? [`  ${this.polecatOf(p.check_run.external_id)}'s heartbeat: ${p.check_run.output?.title ?? "working"}`] : [];
      case "pull_request.opened":
        return [`${who} opened pull request #${p.pull_request?.number} from ${p.pull_request?.head?.ref}: ${p.pull_request?.title}`];
      case "pull_request.closed":
        return [p.pull_request?.merged === true ? `pull request #${p.pull_request.number} merged` : `pull request #${p.pull_request?.number} closed unmerged`];
      case "pull_request_review.submitted":
        return [`${who} ${p.review?.state?.toLowerCase() === "approved" ? "approved" : "reviewed"} pull request #${p.pull_request?.number}`];
      default:
        return [];
    }
  }

  /** What a runner's job said worth telling: the polecat's claim, steps and exit; a gate's verdict. */
  fromJobLine(title: string, line: string): string[] {
    const polecat = POLECAT_RUN.exec(title)?.[1];
    const who = polecat === undefined ? title : `  ${polecat}`;
    const first = line.split("\n")[0] ?? "";
    const step = /^Step (\d+ of \d+, [^:]+):/.exec(first);
    if (step) return [`${who}: step ${step[1]}`];
    // A stand-in agent's stream counts no turns: then only how it ended is worth telling.
    if (first.startsWith("The agent ended")) return [`${who}: ${first.replace(/\. The end of its output:$/, ".").replace(/; 0 turns, .*$/, ".")}`];
    if (/^(Polecat \S+ claimed|Made the work ref|Continuing the work ref|Recorded the exit|The polecat ended|Every gate passed|Installing |::error::|failed:|notice:|warning:|The agent runs|The local runner skips|[✓✗] )/.test(first)) {
      return [`${who}: ${first}`];
    }
    return [];
  }

  private comment(who: string, issue: number | undefined, comment: Payload["comment"], created: boolean): string[] {
    const body = comment?.body ?? "";
    const status = statusHeadline(body);
    if (status !== undefined && comment?.id !== undefined) {
      if (this.headlines.get(comment.id) === status) return [];
      this.headlines.set(comment.id, status);
      return [`the App on #${issue}: ${status}`];
    }
    if (!created) return [];
    return [`${who === BOT ? "the App" : who} on #${issue}: ${gist(body)}`];
  }

  private polecatOf(externalId: string | null | undefined): string {
    // The heartbeat's external id is `<bead>@<attempt>` (app/town/heartbeat.ts).
    const bead = /^([^@]+)@/.exec(externalId ?? "")?.[1];
    return (bead === undefined ? undefined : this.polecats.get(bead)) ?? "a polecat";
  }
}

/** A status comment's title and headline (app/town/status-comment.ts), or undefined for another comment. */
export function statusHeadline(body: string): string | undefined {
  const lines = body.split("\n");
  const heading = lines.findIndex((line) => line.startsWith("### Gas Town · "));
  if (heading < 0) return undefined;
  const headline = lines.slice(heading + 1).find((line) => line.trim() !== "") ?? "";
  return `${(lines[heading] as string).slice("### Gas Town · ".length)}: ${plain(headline)}`;
}

/** A comment's gist: its last line that says something, without code blocks, markers or Markdown's marks. */
export function gist(body: string): string {
  const prose = body.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/<!--[\s\S]*?-->/g, "");
  const lines = prose.split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("<sub>") && !line.startsWith("|") && !line.startsWith("#"));
  return plain(lines.at(-1) ?? "");
}

function plain(line: string): string {
  const text = line.replace(/\*\*/g, "").replace(/`/g, "").trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Every line of a town without the polecat sandbox says so. */
export function marked(line: string, sandbox: boolean): string {
  return sandbox ? line : `[no sandbox] ${line}`;
}

/** The line shown during a long wait: what is running, and for how long nothing was told. */
export function progressLine(running: readonly string[], quietSeconds: number): string {
  const what = running.length === 0 ? "waiting for GitHub and the App" : `running: ${running.join("; ")}`;
  return `… ${what} (nothing new for ${quietSeconds} s)`;
}
