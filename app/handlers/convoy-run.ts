// One step of a convoy (app/town/convoy.ts), level-triggered: a sling of the tracking issue, a
// landing of tracked work (refinery-outcomes.ts), a tracked issue closed or a sub-issue added on
// GitHub (convoy-wake.ts) and every patrol pass run the same step, which recomputes everything
// from GitHub and the ledgers, so a wake that was missed is repaired.
//   1. the convoy bead (made by a sling; a wake or the patrol only advances an open one)
//   2. the facts: the tracking issue's sub-issues; per repository its town and ledger; per
//      sub-issue not yet slung, its blockers; per other repository with one to sling, the
//      slinger's access there (refused visibly, in the table, when they lack it)
//   3. the plan committed into the convoy bead (compare-and-swap) before anything it permits, so
//      two steps at once sling each sub-issue once
//   4. the sub-issues this commit marked slung, slung in their own repositories' towns
//   5. the tracking comment, edited in place
// A convoy that is done skips 3 and 4: its comment says so and its issue is closed before the
// commit that closes it (closeConvoy), so a crash between them is finished by the next step.
//
// Each sub-issue is slung as `/sling` would sling it, by the App on the slinger's word: slingIssue
// puts `gt:sling` on it (so the issue shows it is slung and taking the label off unslings, as for
// any sling), with its status comment and state labels. The App ignores label events it caused,
// so the sling is made here directly rather than through the label.
import { replyToIssue, upsertMarkedComment } from "../github/issue-comments.js";
import { repositoryRole } from "../github/permissions.js";
import { listBlockedBy, listSubIssues, type LinkedIssue } from "../github/sub-issues.js";
import type { LedgerState } from "../github/ledger-store.js";
import { closeIssue } from "../github/update-issue.js";
import { statusOf, unlessAbsent } from "../github/github-client.js";
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { LedgerReadError } from "../ledger/read-ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { CONVOY_MARKER, renderConvoyComment } from "../town/convoy-comment.js";
import {
  convoyOf, convoyRef, openConvoys, parseConvoyRef, planWave, startedConvoy, subIssueWork, withConvoy,
  type Convoy, type SubIssueFacts, type WavePlan,
} from "../town/convoy.js";
import { mayDrive } from "../town/trust.js";
import { issueSnapshot, type IssuePayload } from "./issue-events.js";
import { openTown, type TownEvent } from "./repository-town.js";
import { slingIssue, type SlingRequest } from "./sling-issue.js";

/** Slinging the tracking issue: the convoy made (or opened again), then its first step. */
export async function startConvoy(town: TownEvent, request: SlingRequest): Promise<void> {
  const { issue } = request;
  const where = { owner: town.owner, repo: town.repo, issue_number: issue.number };
  if (issue.state === "closed") {
    await replyToIssue(town.github, where, `@${request.sender}: this convoy's issue is closed, so nothing was slung. Reopen it first.`);
    return;
  }
  const repo = `${town.owner}/${town.repo}`;
  const written = await town.store.update(`Convoy of ${repo}#${issue.number}: slung by ${request.sender}`, (ledger) => startedConvoy(ledger, {
    repo, number: issue.number, slungBy: request.sender, now: town.deps.clock(),
    prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? town.fallbackPrefix,
  }));
  await advanceConvoy(town, issue.number, { ledger: written.state.ledger, state: written.state });
}

/** What a step did, for the patrol's and the tests' eyes. */
export interface ConvoyStep {
  readonly ref: string;
  /** The sub-issues it slung, as `owner/name#n`. */
  readonly slung: readonly string[];
  readonly closed: boolean;
}

/**
 * One step of the convoy tracking issue `number` of this town; undefined when there is no open
 * convoy. `seen` is the ledger as the caller just read it (and its commit, when it has it).
 */
export async function advanceConvoy(town: TownEvent, number: number, seen?: { readonly ledger: Ledger; readonly state?: LedgerState }): Promise<ConvoyStep | undefined> {
  const repo = `${town.owner}/${town.repo}`;
  const ref = convoyRef(repo, number);
  const ledger = seen?.ledger ?? await town.store.peek();
  const convoy = convoyOf(ledger, ref);
  if (convoy === undefined || convoy.status === "closed") return undefined;
  const now = town.deps.clock();

  const subs = (await listSubIssues(town.github, { owner: town.owner, repo: town.repo, issue_number: number }))
    .filter((sub) => sub.payload.pull_request === undefined);
  const towns = new RepositoryTowns(town, ledger);
  const facts = await factsOf(towns, convoy, subs, now);

  const step = (current: Ledger) => {
    const found = convoyOf(current, ref);
    const plan = found === undefined ? undefined : planWave(found, facts, now);
    return { plan, ledger: plan === undefined ? current : withConvoy(current, plan.convoy, now) };
  };
  const titles = new Map(subs.map((s) => [`${s.owner}/${s.repo}#${s.number}`, s.payload.title]));
  const issue = { owner: town.owner, repo: town.repo, issue_number: number };
  const view = (convoy: Convoy, more: readonly string[] = []) => renderConvoyComment({ convoy, titles, notes: [...towns.notes(), ...more] });
  const first = step(ledger).plan;
  if (first === undefined) return undefined;
  if (first.done) return await closeConvoy(town, first, view, seen?.state, step);

  let plan: WavePlan | undefined = first;
  // A step that changes nothing on the ledger it read writes nothing (a stale read is the next step's to repair).
  const idle = step(ledger).ledger === ledger;
  const written = idle ? { changed: false, state: seen?.state } : await town.store.update(() => stepMessage(ref, plan), (current) => {
    const next = step(current);
    plan = next.plan;
    return next.ledger;
  }, seen?.state ? { from: seen.state } : {});
  if (plan === undefined) return undefined;
  const planned: WavePlan = plan;
  // Every tracked issue done since this step read the facts: the next step closes it.
  if (planned.done) return { ref, slung: [], closed: false };
  const slung: string[] = [];
  const notes: string[] = [];
  if (written.changed) {
    for (const tracked of planned.sling) {
      const sub = subs.find((s) => `${s.owner}/${s.repo}` === tracked.repo && s.number === tracked.number);
      const subTown = await towns.get(tracked.repo);
      if (sub === undefined || typeof subTown === "string") continue;
      try {
        await slingIssue(subTown, slingOf(sub, planned.convoy));
        slung.push(`${tracked.repo}#${tracked.number}`);
      } catch (error) {
        // One repository's unreadable ledger, or a token that may not write there, stops only its
        // own sub-issue; the next step tries it again.
        if (error instanceof LedgerReadError) notes.push(`${tracked.repo}#${tracked.number} could not be slung: the ledger branch of ${tracked.repo} does not read.`);
        else if (statusOf(error) === 403) notes.push(`${tracked.repo}#${tracked.number} could not be slung: ${OUT_OF_REACH}.`);
        else throw error;
      }
    }
  }

  const comment = await upsertMarkedComment(town.github, issue, CONVOY_MARKER, view(planned.convoy, notes), { botLogin: town.botLogin });
  if (comment.id !== planned.convoy.commentId) {
    await town.store.update(`Convoy of ${repo}#${number}: its comment is ${comment.id}`, (ledger) => {
      const current = convoyOf(ledger, ref);
      return current === undefined ? ledger : withConvoy(ledger, { ...current, commentId: comment.id }, now);
      // Unless a sling since wrote to this ledger, the step's own commit is its tip.
    }, written.state === undefined || (written.changed && planned.sling.some((t) => t.repo === repo)) ? {} : { from: written.state });
  }
  return { ref, slung, closed: false };
}

/**
 * The convoy done: its comment says so and its tracking issue is closed before the commit that
 * closes its bead, never after. A crash between them leaves the convoy open in the ledger, and the
 * next step (a wake, or the patrol's pass) finds it done again and finishes: the comment is the
 * same text, so it is left as it is, and the issue is closed already, so GitHub changes nothing.
 * Two steps at once both say and close the same; the ledger lets one of them commit.
 */
async function closeConvoy(
  town: TownEvent, plan: WavePlan, view: (convoy: Convoy) => string, from: LedgerState | undefined,
  step: (ledger: Ledger) => { readonly plan: WavePlan | undefined; readonly ledger: Ledger },
): Promise<ConvoyStep> {
  const { convoy } = plan;
  const issue = { owner: town.owner, repo: town.repo, issue_number: convoy.number };
  const comment = await upsertMarkedComment(town.github, issue, CONVOY_MARKER, view(convoy), { botLogin: town.botLogin });
  await closeIssue(town.github, issue);
  const now = town.deps.clock();
  const written = await town.store.update(stepMessage(convoy.ref, plan), (current) => {
    const next = step(current);
    return next.plan?.done === true ? withConvoy(current, { ...next.plan.convoy, commentId: comment.id }, now) : current;
  }, from ? { from } : {});
  return { ref: convoy.ref, slung: [], closed: written.changed };
}

/** Landed work wakes the convoys it belongs to (`convoy` on its bead), wherever they live. */
export async function wakeConvoys(town: TownEvent, works: readonly (Bead | undefined)[]): Promise<void> {
  const refs = works.map((work) => (work === undefined ? undefined : gastownString(work, "convoy"))).filter((ref) => ref !== undefined);
  // A courtesy wake: the landing it follows is done and must finish (its staging branch deleted),
  // whatever the convoy's repository answers. A tracking repository whose ledger does not read,
  // or a failed request, holds up no landing: the patrol steps the convoy.
  await stepConvoys(town, refs, { courtesy: true });
}

/**
 * Steps the convoys `refs` name, wherever they live: those of this town's repository from
 * `seen` (its ledger as the caller just read it), the others' from their own. Each once.
 */
export async function stepConvoys(
  town: TownEvent, refs: readonly string[], options: { readonly seen?: { readonly ledger: Ledger; readonly state?: LedgerState }; readonly courtesy?: boolean } = {},
): Promise<ConvoyStep[]> {
  const towns = new RepositoryTowns(town);
  const steps: ConvoyStep[] = [];
  for (const ref of new Set(refs)) {
    const where = parseConvoyRef(ref);
    if (where === undefined) continue;
    try {
      const home = await towns.get(`${where.owner}/${where.repo}`);
      const step = typeof home === "string" ? undefined : await advanceConvoy(home, where.number, home === town ? options.seen : undefined);
      if (step !== undefined) steps.push(step);
    } catch (error) {
      if (options.courtesy !== true) throw error;
    }
  }
  return steps;
}

/** The patrol's pass over the convoys whose tracking issues live in this rig: each open one stepped. */
export async function patrolConvoys(town: TownEvent, ledger: Ledger): Promise<ConvoyStep[]> {
  const steps: ConvoyStep[] = [];
  for (const convoy of openConvoys(ledger)) {
    if (convoy.repo !== `${town.owner}/${town.repo}`) continue;
    const step = await advanceConvoy(town, convoy.number, { ledger });
    if (step !== undefined) steps.push(step);
  }
  return steps;
}

async function factsOf(towns: RepositoryTowns, convoy: Convoy, subs: readonly LinkedIssue[], now: Date): Promise<SubIssueFacts[]> {
  const facts: SubIssueFacts[] = [];
  for (const sub of subs) {
    const repo = `${sub.owner}/${sub.repo}`;
    const subTown = await towns.get(repo);
    const ledger = typeof subTown === "string" ? undefined : await towns.ledger(repo);
    const work = ledger === undefined || typeof ledger === "string" ? { kind: "none" as const } : subIssueWork(ledger, {
      url: sub.payload.html_url, repo, number: sub.number, labels: issueSnapshot(sub.payload as IssuePayload).labels,
    });
    // Blockers matter only to a sub-issue still to be slung, where it can be.
    const blockers = work.kind !== "none" || sub.state === "closed" || typeof subTown === "string" ? [] :
      (await listBlockedBy(towns.home.github, { owner: sub.owner, repo: sub.repo, issue_number: sub.number }))
        .map((b) => ({ repo: `${b.owner}/${b.repo}`, number: b.number, state: b.state }));
    // Why is said once, under the table (notes()).
    const refused = typeof subTown === "string" ? "see below" : typeof ledger === "string" ? ledger : undefined;
    facts.push({ repo, number: sub.number, id: sub.id, state: sub.state, work, blockers, ...(refused === undefined ? {} : { refused }) });
  }
  // The slinger's access is asked only where there is something to sling: in the tracking
  // issue's repository the sling itself was checked; elsewhere, once per repository.
  const toSling = new Set(planWave(convoy, facts, now).sling.map((t) => t.repo));
  const refused = new Map<string, string>();
  for (const repo of toSling) {
    if (repo === convoy.repo) continue;
    const why = await towns.refusal(repo, convoy.slungBy);
    if (why !== undefined) refused.set(repo, why);
  }
  return facts.map((fact) => (refused.has(fact.repo) ? { ...fact, refused: refused.get(fact.repo) as string } : fact));
}

function slingOf(sub: LinkedIssue, convoy: Convoy): SlingRequest {
  return {
    issue: issueSnapshot(sub.payload as IssuePayload), formula: undefined, vars: {}, sender: convoy.slungBy,
    acknowledge: { owner: sub.owner, repo: sub.repo, issue_number: sub.number },
    convoy: { ref: convoy.ref, convoyAt: convoy.convoyAt },
  };
}

function stepMessage(ref: string, plan: WavePlan | undefined): string {
  const name = ref.replace(/^gastown:convoy\//, "");
  if (plan === undefined) return `Convoy of ${name}`;
  if (plan.done) return `Convoy of ${name}: every tracked issue landed or closed`;
  const slung = plan.sling.map((t) => `${t.repo}#${t.number}`).join(", ");
  return slung === "" ? `Convoy of ${name}: progress` : `Convoy of ${name}: wave ${plan.convoy.wave} slings ${slung}`;
}

const OUT_OF_REACH = "the App cannot act in this repository (it is not in this installation; in Actions-only mode a workflow's " +
  "GITHUB_TOKEN reaches its own repository only), so its sub-issues are not slung";

/**
 * The towns of the repositories a convoy reaches, each opened once per step with the same
 * installation client: a repository the App cannot reach, or that has not switched Gas Town on,
 * is a sentence saying so instead.
 */
class RepositoryTowns {
  private readonly towns = new Map<string, TownEvent | string>();
  private readonly ledgers = new Map<string, Ledger | string>();

  constructor(readonly home: TownEvent, homeLedger?: Ledger) {
    this.towns.set(`${home.owner}/${home.repo}`, home);
    if (homeLedger !== undefined) this.ledgers.set(`${home.owner}/${home.repo}`, homeLedger);
  }

  async get(repo: string): Promise<TownEvent | string> {
    const known = this.towns.get(repo);
    if (known !== undefined) return known;
    const opened = await this.open(repo);
    this.towns.set(repo, opened);
    return opened;
  }

  /** The repository's ledger, read once; a sentence instead when its ledger branch does not read. */
  async ledger(repo: string): Promise<Ledger | string> {
    const known = this.ledgers.get(repo);
    if (known !== undefined) return known;
    const town = await this.get(repo);
    let ledger: Ledger | string;
    try {
      ledger = typeof town === "string" ? town : await town.store.peek();
    } catch (error) {
      if (!(error instanceof LedgerReadError)) throw error;
      ledger = `the ledger branch of ${repo} does not read (\`gt ledger validate\` lists its errors)`;
    }
    this.ledgers.set(repo, ledger);
    return ledger;
  }

  /** Why `login` may not sling in `repo`, by that repository's own `trust` settings; undefined when they may. */
  async refusal(repo: string, login: string): Promise<string | undefined> {
    const town = await this.get(repo);
    if (typeof town === "string") return town;
    // A sender's kind is not kept on the convoy; GitHub spells every App's login `<slug>[bot]`.
    const sender = { login, type: login.endsWith("[bot]") ? "Bot" : "User" };
    let role: string | undefined;
    try {
      role = sender.type === "Bot" ? undefined : await repositoryRole(town.github, town.owner, town.repo, login);
    } catch (error) {
      // A token that reads a public repository but may not act in it (a workflow's GITHUB_TOKEN).
      if (statusOf(error) === 403) return OUT_OF_REACH;
      throw error;
    }
    const decision = mayDrive(sender, role, town.config.trust);
    return decision.allowed ? undefined : decision.reason.replace("this repository", repo);
  }

  /** A sentence for each repository the convoy cannot sling in. */
  notes(): string[] {
    return [...this.towns.entries()].filter(([, town]) => typeof town === "string").map(([repo, why]) => `${repo}: ${why as string}.`);
  }

  private async open(repo: string): Promise<TownEvent | string> {
    const [owner, name] = repo.split("/") as [string, string];
    const found = await unlessAbsent(() => this.home.github.request("GET /repos/{owner}/{repo}", { owner, repo: name }), undefined, [403, 404]);
    if (found === undefined) return OUT_OF_REACH;
    const defaultBranch = (found.data as { default_branch: string }).default_branch;
    const opened = await openTown({ github: this.home.github, owner, repo: name, defaultBranch }, this.home.deps);
    if (opened.kind === "off") return "Gas Town is not switched on in this repository (it has no `.github/gastown.yml`), so its sub-issues are not slung";
    if (opened.kind === "invalid") return "this repository's `.github/gastown.yml` has problems, so its sub-issues are not slung";
    return { ...opened.town, botLogin: this.home.botLogin };
  }
}
