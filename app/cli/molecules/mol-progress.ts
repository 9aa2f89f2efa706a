// `gt mol status` and `gt mol next`: where a molecule stands, read from its beads alone.
import { beadStatus } from "../../ledger/bead-schema.js";
import { readMolecule, type Molecule } from "../../molecules/molecule.js";
import { progress, type Progress } from "../../molecules/next-steps.js";
import type { Command, ParsedArgs } from "../command.js";
import type { CliIo } from "../cli-io.js";
import { runView } from "../runner/runner-env.js";
import { table } from "./formula-commands.js";
import { explained, isWispId, LEDGER_OPTION, openMoleculeStore, WISPS_OPTION } from "./molecule-cli.js";

async function moleculeAndProgress(args: ParsedArgs, io: CliIo): Promise<{ molecule: Molecule; progress: Progress }> {
  const store = await openMoleculeStore(args, io);
  const id = args.positionals[0] as string;
  // In a polecat's run, the molecule as the agent has left it: its outbox applied.
  const ledger = isWispId(store, id) ? store.wisps : await runView(store.ledger, store.file, io);
  return explained(() => {
    const molecule = readMolecule(ledger, id);
    return { molecule, progress: progress(ledger, molecule) };
  });
}

function statusJson(molecule: Molecule, state: Progress): unknown {
  return {
    id: molecule.root.id,
    formula: molecule.formulaRef ?? null,
    bead: molecule.bead ?? null,
    ephemeral: molecule.ephemeral,
    state: state.state,
    done: state.done,
    total: state.total,
    waiting_on: state.waitingOn,
    next: state.next.map((s) => s.step),
    steps: molecule.steps.map((s) => ({
      id: s.step, bead: s.bead.id, title: s.bead.title, status: beadStatus(s.bead), needs: s.needs,
    })),
  };
}

export const molStatusCommand: Command = {
  name: "status",
  usage: "MOL [--json] [--ledger FILE] [--wisps FILE]",
  summary: "show a molecule's steps, which are done, and what comes next",
  options: { json: { type: "boolean" }, ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const { molecule, progress: state } = await moleculeAndProgress(args, io);
    if (args.values.json) {
      io.stdout(JSON.stringify(statusJson(molecule, state), null, 2) + "\n");
      return 0;
    }
    const next = new Set(state.next);
    const waiting = state.waitingOn.length > 0 ? ` on ${state.waitingOn.join(", ")}` : "";
    io.stdout(
      `${molecule.root.id} (${molecule.formulaRef ?? "no formula"}${molecule.bead ? `, on ${molecule.bead}` : ""}): ` +
        `${state.state}${waiting}, ${state.done}/${state.total} steps done\n` +
        table(molecule.steps.map((s) => [
          s.closed ? "  [x]" : next.has(s) ? "  [>]" : "  [ ]", s.step, s.bead.id, s.bead.title,
        ])),
    );
    return 0;
  },
};

export const molNextCommand: Command = {
  name: "next",
  usage: "MOL [--json] [--ledger FILE] [--wisps FILE]",
  summary: "list the steps to work on now: open, with everything they need closed",
  options: { json: { type: "boolean" }, ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const { molecule, progress: state } = await moleculeAndProgress(args, io);
    if (args.values.json) {
      io.stdout(JSON.stringify(state.next.map((s) => ({
        id: s.step, bead: s.bead.id, title: s.bead.title, description: s.bead.description ?? "",
        acceptance: s.bead.acceptance_criteria ?? "",
      })), null, 2) + "\n");
      return 0;
    }
    if (state.next.length === 0) {
      const why = state.state === "waiting" ? `waiting on ${state.waitingOn.join(", ")}` : state.state;
      io.stdout(`${molecule.root.id}: no step to work on (${why})\n`);
      return 0;
    }
    io.stdout(table(state.next.map((s) => [s.step, s.bead.id, s.bead.title])));
    return 0;
  },
};
