// The story the local town tells in the terminal: one short line for each thing worth seeing,
// read from the webhooks GitHub sent (what people and the App did) and from the runner's jobs
// (what each polecat and gates run did). Pure: story-teller.ts feeds it and prints.

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
  readonly comment?: { readonly body?: string };
  readonly pull_request?: {
    readonly number?: number; readonly title?: string; readonly merged?: boolean;
    readonly head?: { readonly ref?: string };
  };
  readonly review?: { readonly state?: string };
  readonly workflow_run?: { readonly display_title?: string; readonly conclusion?: string | null; readonly name?: string };
  readonly check_run?: { readonly name?: string; readonly conclusion?: string | null; readonly output?: { readonly title?: string | null } };
}

const BOT = "gastown[bot]";

export function deliveryStory(delivery: SeenDelivery): string[] {
  const p = delivery.payload as Payload;
  const who = p.sender?.login ?? "someone";
  const key = `${delivery.event}.${delivery.action ?? ""}`;
  switch (key) {
    case "issues.opened":
      return [`${who} opened issue #${p.issue?.number}: ${p.issue?.title}`];
    case "issues.labeled":
      return p.label?.name?.startsWith("gt:sling") === true && who !== BOT ? [`${who} slung #${p.issue?.number} (${p.label.name})`] : [];
    case "issues.closed":
      return p.issue?.pull_request === undefined ? [`issue #${p.issue?.number} closed: ${p.issue?.title}`] : [];
    case "issue_comment.created":
      return who === BOT ? [`the App on #${p.issue?.number}: ${gist(p.comment?.body ?? "")}`] : [`${who} on #${p.issue?.number}: ${gist(p.comment?.body ?? "")}`];
    case "workflow_run.requested":
      return [`dispatched: ${p.workflow_run?.display_title}`];
    case "workflow_run.completed":
      return [`finished: ${p.workflow_run?.display_title} (${p.workflow_run?.conclusion})`];
    case "check_run.created":
      return p.check_run?.name === "gastown/polecat" ? [`heartbeat: ${p.check_run.output?.title ?? "working"}`] : [];
    case "pull_request.opened":
      return [`${who} opened pull request #${p.pull_request?.number} from ${p.pull_request?.head?.ref}: ${p.pull_request?.title}`];
    case "pull_request.closed":
      return [p.pull_request?.merged === true ? `pull request #${p.pull_request.number} merged` : `pull request #${p.pull_request?.number} closed unmerged`];
    case "pull_request_review.submitted":
      return [`${who} ${p.review?.state === "approved" ? "approved" : "reviewed"} pull request #${p.pull_request?.number}`];
    default:
      return [];
  }
}

/** A comment's gist: its last paragraph's first line that says something, without Markdown's marks. */
export function gist(body: string): string {
  const lines = body.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("<!--") && !/^[`~]{3}/.test(line) && !line.startsWith("|"));
  const line = lines.at(-1) ?? "";
  const plain = line.replace(/\*\*/g, "").replace(/`/g, "");
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}

/** What a runner's job line says worth telling: the polecat's claims, steps, pushes and exit; a gate's verdict. */
export function jobLineStory(title: string, line: string): string[] {
  const polecat = /^polecat (\S+) · /.exec(title)?.[1];
  const who = polecat === undefined ? title : `  ${polecat}`;
  if (/^(Polecat \S+ claimed|Made the work ref|Continuing the work ref|Step \S+|Closed step|Pushed|Recorded the exit|The polecat ended|Every gate passed|::error::|failed:|notice:|warning:|The agent runs|Using )/.test(line)) {
    return [`${who}: ${line}`];
  }
  if (/^[✓✗] /.test(line)) return [`${who}: ${line}`];
  return [];
}

/** Every line of a town without the polecat sandbox says so. */
export function marked(line: string, sandbox: boolean): string {
  return sandbox ? line : `[no sandbox] ${line}`;
}

/** The line shown during a long wait: what is running, and for how long nothing was told. */
export function progressLine(running: readonly string[], quietSeconds: number): string {
  const what = running.length === 0 ? "waiting for the App" : running.join(", ");
  return `… ${what} (${quietSeconds}s)`;
}
