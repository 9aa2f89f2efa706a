// `gt step done`, `gt done`, `gt bead create`, `gt mail send`: what an agent asks of the ledger,
// recorded in the run's outbox for the action to apply once the agent has stopped. They write
// nothing else.
import { ChildIdError, nextChildId } from "../../ledger/child-id.js";
import { issuePrefix } from "../../ledger/id-prefix.js";
import { BeadIdError, newBeadId } from "../../ledger/new-bead-id.js";
import { AGENT_BEAD_TYPES, EXITS, MAIL_ADDRESSES, type Exit, type MailAddress } from "../../molecules/runner-commands.js";
import { runActor } from "../../polecat/outbox-check.js";
import { UsageError } from "../cli-io.js";
import { stringOption, type Command, type ParsedArgs } from "../command.js";
import { now, recordIntent, takenIds } from "./record-intent.js";
import { openRun } from "./runner-env.js";

function required(args: ParsedArgs, name: string, usage: string): string {
  const value = stringOption(args, name);
  if (value === undefined || value.trim() === "") throw new UsageError(`--${name} is required\nusage: ${usage}`);
  return value;
}

/** A new id, or the reason there is none (a parent too deep, a prefix missing) as the user's error. */
function mint(make: () => string): string {
  try {
    return make();
  } catch (error) {
    if (error instanceof ChildIdError || error instanceof BeadIdError) throw new UsageError(error.message, 1);
    throw error;
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: must be one of ${allowed.join(", ")} (got "${value}")`);
}

export const stepDoneCommand: Command = {
  name: "done",
  usage: "[--notes TEXT]",
  summary: "close this process's step (GASTOWN_STEP), with notes for the steps after it; then stop",
  options: { notes: { type: "string" } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const opened = await openRun(io, "gt step done");
    const notes = stringOption(args, "notes");
    const { step, molecule } = opened.run;
    await recordIntent(io, opened, { kind: "step", at: now(io), step, ...(notes !== undefined ? { notes } : {}) });
    io.stdout(`step ${step} of ${molecule} is done. Stop now: the next step is a new process.\n`);
    return 0;
  },
};

const DONE_USAGE = `gt done --exit ${EXITS.join("|")} --reason TEXT [--blocker BEAD]`;

export const doneCommand: Command = {
  name: "done",
  usage: `--exit ${EXITS.join("|")} --reason TEXT [--blocker BEAD]`,
  summary: "end the run with one of the four exits (BLOCKED may name its blocker bead); then stop",
  options: { exit: { type: "string" }, reason: { type: "string" }, blocker: { type: "string" } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const exit = oneOf<Exit>(required(args, "exit", DONE_USAGE), EXITS, "--exit");
    const reason = required(args, "reason", DONE_USAGE);
    const blocker = stringOption(args, "blocker");
    const opened = await openRun(io, "gt done");
    await recordIntent(io, opened, { kind: "exit", at: now(io), exit, reason, ...(blocker !== undefined ? { blocker } : {}) });
    io.stdout(`the run ends: ${exit}. Stop now and run nothing more; the action takes it from here.\n`);
    return 0;
  },
};

const BEAD_ARGS = `--title TEXT --type ${AGENT_BEAD_TYPES.join("|")} [--description TEXT] [--parent BEAD] [--discovered-from BEAD] [--blocks BEAD]`;
const BEAD_USAGE = `gt bead create ${BEAD_ARGS}`;

export const beadCreateCommand: Command = {
  name: "create",
  usage: BEAD_ARGS,
  summary: "file a bead, found in or split from this run's work, and print its id",
  options: {
    title: { type: "string" }, type: { type: "string" }, description: { type: "string" },
    parent: { type: "string" }, "discovered-from": { type: "string" }, blocks: { type: "string" },
  },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const title = required(args, "title", BEAD_USAGE);
    const type = oneOf(required(args, "type", BEAD_USAGE), AGENT_BEAD_TYPES, "--type");
    const description = stringOption(args, "description");
    const parent = stringOption(args, "parent");
    const discoveredFrom = stringOption(args, "discovered-from");
    const blocks = stringOption(args, "blocks");
    const opened = await openRun(io, "gt bead create");
    const at = now(io);
    const taken = takenIds(opened);
    // As `bd create` mints: a child `<parent>.<n>`, else a hash id with the work bead's prefix.
    const id = mint(() => parent !== undefined
      ? nextChildId(parent, taken)
      : newBeadId({ prefix: issuePrefix(opened.run.bead), title, description: description ?? "", creator: runActor(opened.run), createdAt: io.now() }, taken));
    await recordIntent(io, opened, {
      kind: "bead", at, id, title, type,
      ...(description !== undefined ? { description } : {}),
      ...(parent !== undefined ? { parent } : {}),
      ...(discoveredFrom !== undefined ? { discovered_from: discoveredFrom } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
    });
    io.stdout(`${id}\n`);
    return 0;
  },
};

const MAIL_USAGE = `gt mail send --to ${MAIL_ADDRESSES.join("|")} --subject TEXT --body TEXT`;

export const mailSendCommand: Command = {
  name: "send",
  usage: `--to ${MAIL_ADDRESSES.join("|")} --subject TEXT --body TEXT`,
  summary: "write to the town's roles (overseer: the people who slung the work); sent when this step ends",
  options: { to: { type: "string" }, subject: { type: "string" }, body: { type: "string" } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const to = oneOf<MailAddress>(required(args, "to", MAIL_USAGE), MAIL_ADDRESSES, "--to");
    const subject = required(args, "subject", MAIL_USAGE);
    const body = stringOption(args, "body");
    if (body === undefined) throw new UsageError(`--body is required\nusage: ${MAIL_USAGE}`);
    const opened = await openRun(io, "gt mail send");
    const id = mint(() => newBeadId(
      { prefix: issuePrefix(opened.run.bead), title: subject, description: body, creator: runActor(opened.run), createdAt: io.now() },
      takenIds(opened),
    ));
    await recordIntent(io, opened, { kind: "mail", at: now(io), id, to, subject, body });
    io.stdout(`mail ${id} to ${to} recorded; the action sends it when this step ends. Answers come as nudges ` +
      "(`gt nudges`): do not wait for one.\n");
    return 0;
  },
};
