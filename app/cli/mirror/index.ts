import type { Command } from "../command.js";
import { mirrorSyncCommand } from "./sync.js";

export const MIRROR_COMMANDS: readonly Command[] = [mirrorSyncCommand];
