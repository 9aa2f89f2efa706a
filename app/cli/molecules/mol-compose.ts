// `gt mol bond` and `gt mol distill`: molecules and formulas combined, and a molecule made back
// into a formula.
import { BOND_TYPES, bondMolecules, bondProtos, bondProtoToMolecule, type BondType } from "../../molecules/bond.js";
import { cook } from "../../molecules/cook.js";
import { distill, formulaYaml } from "../../molecules/distill.js";
import { isMoleculeRoot } from "../../molecules/molecule.js";
import { UsageError } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";
import { protoText } from "./formula-commands.js";
import {
  actor, explained, formulaLibrary, isWispId, LEDGER_OPTION, openMoleculeStore, VAR_OPTION, varsOption, WISPS_OPTION,
  type MoleculeStore,
} from "./molecule-cli.js";

function bondType(value: string | undefined): BondType {
  if (value === undefined) return "sequential";
  if ((BOND_TYPES as readonly string[]).includes(value)) return value as BondType;
  throw new UsageError(`--type: must be one of ${BOND_TYPES.join(", ")} (got "${value}")`);
}

/** A bond operand is a molecule when the ledger (or the wisps) holds a molecule root by that id. */
function isMolecule(store: MoleculeStore, id: string): boolean {
  return isMoleculeRoot(store.ledger.get(id)) || isMoleculeRoot(store.wisps.get(id));
}

export const molBondCommand: Command = {
  name: "bond",
  usage: "A B [--type sequential|parallel|conditional] [--var name=value]... [--ledger FILE] [--wisps FILE]",
  summary: "combine: formula+formula → one formula's steps; formula+molecule → pour and attach; molecule+molecule → link",
  options: { type: { type: "string" }, ...VAR_OPTION, ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 2, max: 2 },
  async run(args, io) {
    const type = bondType(stringOption(args, "type"));
    const [a, b] = args.positionals as [string, string];
    const store = await openMoleculeStore(args, io);
    const vars = varsOption(args);
    const library = formulaLibrary(io);
    const aMol = isMolecule(store, a);
    const bMol = isMolecule(store, b);
    if (!aMol && !bMol) {
      const compound = await explained(() => bondProtos(cook(a, library, vars), cook(b, library, vars), type));
      io.stdout(protoText(compound));
      return 0;
    }
    if (aMol && bMol) {
      if (isWispId(store, a) !== isWispId(store, b)) throw new UsageError("a wisp and a poured molecule cannot be linked: the wisp is never committed");
      const wispy = isWispId(store, a);
      const linked = await explained(() => bondMolecules(wispy ? store.wisps : store.ledger, a, b, type, io.now()));
      await (wispy ? store.saveWisps(linked) : store.save(linked));
      io.stdout(`${b}: bonded to ${a} (${type})\n`);
      return 0;
    }
    // A formula and a molecule, in either order: the formula is poured in the molecule's phase.
    const [formula, target] = aMol ? [b, a] : [a, b];
    const wispy = isWispId(store, target);
    const attached = await explained(() => bondProtoToMolecule(
      wispy ? store.wisps : store.ledger, cook(formula, library, vars), target, type,
      { now: io.now(), actor: actor(io), prefix: store.prefix },
    ));
    await (wispy ? store.saveWisps(attached.ledger) : store.save(attached.ledger));
    io.stdout(`${attached.root}: ${formula} poured and bonded to ${target} (${type})\n`);
    return 0;
  },
};

export const molDistillCommand: Command = {
  name: "distill",
  usage: "MOL [--name NAME] [--ledger FILE] [--wisps FILE]",
  summary: "turn a molecule back into a formula (printed as YAML), its var values back into {{vars}}",
  options: { name: { type: "string" }, ...LEDGER_OPTION, ...WISPS_OPTION },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const store = await openMoleculeStore(args, io);
    const id = args.positionals[0] as string;
    const name = stringOption(args, "name");
    const formula = await explained(() => distill(isWispId(store, id) ? store.wisps : store.ledger, id, name ? { name } : {}));
    io.stdout(formulaYaml(formula));
    return 0;
  },
};
