import type { Command } from "../command.js";
import { molBondCommand, molDistillCommand } from "./mol-compose.js";
import { molBurnCommand, molSquashCommand } from "./mol-end.js";
import { molNextCommand, molStatusCommand } from "./mol-progress.js";
import { molPourCommand, molWispCommand } from "./mol-start.js";

export { FORMULA_COMMANDS } from "./formula-commands.js";

export const MOL_COMMANDS: readonly Command[] = [
  molPourCommand, molWispCommand, molStatusCommand, molNextCommand, molSquashCommand, molBurnCommand,
  molBondCommand, molDistillCommand,
];
