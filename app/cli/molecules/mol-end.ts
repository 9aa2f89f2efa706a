// `gt mol squash` and `gt mol burn`: how a molecule ends, with a digest or without.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { appendDigest, digestFileFor } from "../../molecules/digest-file.js";
import { burn, evaporate, squash } from "../../molecules/squash.js";
import { readText, UsageError, writeTextAtomically } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";
import { explained, isWispId, LEDGER_OPTION, openMoleculeStore, WISPS_OPTION } from "./molecule-cli.js";

const KINDS = ["work", "patrol"] as const;

export const molSquashCommand: Command = {
  name: "squash",
  usage: "MOL [--abandon] [--summary TEXT] [--exit EXIT] [--kind work|patrol] [--ledger FILE] [--wisps FILE]",
  summary: "end a finished molecule: close it and append its digest to .beads/digests/YYYY-MM.jsonl",
  options: {
    abandon: { type: "boolean" }, summary: { type: "string" }, exit: { type: "string" }, kind: { type: "string" },
    ...LEDGER_OPTION, ...WISPS_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const kind = stringOption(args, "kind");
    if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`--kind: must be one of ${KINDS.join(", ")} (got "${kind}")`);
    }
    const store = await openMoleculeStore(args, io);
    const id = args.positionals[0] as string;
    const wispy = isWispId(store, id);
    const summary = stringOption(args, "summary");
    const exit = stringOption(args, "exit");
    const { ledger, digest } = await explained(() => squash(wispy ? store.wisps : store.ledger, id, {
      now: io.now(),
      abandon: args.values.abandon === true,
      ...(kind ? { kind: kind as (typeof KINDS)[number] } : {}),
      ...(summary !== undefined ? { summary } : {}),
      ...(exit !== undefined ? { exit } : {}),
    }));
    // The ledger first: were the digest's write to fail, squashing again finds the molecule
    // squashed and writes the same digest (appends are idempotent by id).
    if (wispy) await store.saveWisps(ledger);
    else await store.save(ledger);
    // The digests sit beside the ledger: `.beads/issues.jsonl` → `.beads/digests/2026-11.jsonl`.
    const digestFile = join(dirname(store.file), "digests", basename(digestFileFor(digest.finished_at)));
    const path = resolve(io.cwd, digestFile);
    const before = existsSync(path) ? await readText(io.cwd, digestFile) : "";
    await mkdir(dirname(path), { recursive: true });
    await writeTextAtomically(path, appendDigest(before, digest));
    // A wisp leaves nothing behind once its digest is safe.
    if (wispy) await store.saveWisps(evaporate(ledger, id));
    io.stdout(`${id}: squashed; digest ${digest.id} in ${digestFile}\n`);
    return 0;
  },
};

export const molBurnCommand: Command = {
  name: "burn",
  usage: "MOL [--ledger FILE] [--wisps FILE]",
  summary: "end a molecule with no digest: a wisp evaporates, a poured molecule is closed as burned",
  options: { ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const store = await openMoleculeStore(args, io);
    const id = args.positionals[0] as string;
    if (isWispId(store, id)) {
      await store.saveWisps(await explained(() => evaporate(store.wisps, id)));
      io.stdout(`${id}: evaporated\n`);
      return 0;
    }
    await store.save(await explained(() => burn(store.ledger, id, io.now())));
    io.stdout(`${id}: burned\n`);
    return 0;
  },
};
