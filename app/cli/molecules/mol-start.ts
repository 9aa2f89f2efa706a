// `gt mol pour` and `gt mol wisp`: a formula made into a molecule, in the ledger or as a wisp.
import { UsageError } from "../cli-io.js";
import { cook } from "../../molecules/cook.js";
import { pour, wisp } from "../../molecules/pour.js";
import { stringOption, type Command } from "../command.js";
import {
  actor, explained, formulaLibrary, LEDGER_OPTION, openMoleculeStore, VAR_OPTION, varsOption, WISPS_OPTION,
} from "./molecule-cli.js";

export const molPourCommand: Command = {
  name: "pour",
  usage: "FORMULA --on BEAD [--var name=value]... [--ledger FILE]",
  summary: "pour a formula onto a work bead as a molecule; pouring it again resumes the open one",
  options: { on: { type: "string" }, ...VAR_OPTION, ...LEDGER_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const on = stringOption(args, "on");
    if (on === undefined) throw new UsageError("--on BEAD is required: the work bead the molecule is for");
    const store = await openMoleculeStore(args, io);
    const poured = await explained(() => {
      const proto = cook(args.positionals[0] as string, formulaLibrary(io), varsOption(args));
      return pour(store.ledger, proto, on, { now: io.now(), actor: actor(io), prefix: store.prefix });
    });
    if (!poured.created) {
      io.stdout(`${poured.root}: already open on ${on}; carry on with \`gt mol next ${poured.root}\`\n`);
      return 0;
    }
    await store.save(poured.ledger);
    io.stdout(`${poured.root}: poured on ${on}\n`);
    return 0;
  },
};

export const molWispCommand: Command = {
  name: "wisp",
  usage: "FORMULA [--on BEAD] [--var name=value]... [--wisps FILE] [--ledger FILE]",
  summary: "make a formula into a wisp: an ephemeral molecule kept in the wisps file, never committed",
  options: { on: { type: "string" }, ...VAR_OPTION, ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const store = await openMoleculeStore(args, io);
    const on = stringOption(args, "on");
    const made = await explained(() => {
      const proto = cook(args.positionals[0] as string, formulaLibrary(io), varsOption(args));
      return wisp(store.wisps, store.ledger, proto, { now: io.now(), actor: actor(io), prefix: store.prefix, ...(on ? { on } : {}) });
    });
    await store.saveWisps(made.ledger);
    io.stdout(`${made.root}: wisp in ${store.wispsFile}\n`);
    return 0;
  },
};
