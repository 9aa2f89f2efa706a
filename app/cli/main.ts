#!/usr/bin/env node
// The `gt` (and `gastown`) command. Do not add logic here: see run-cli.ts.
import { runCli } from "./run-cli.js";
import { processIo } from "./cli-io.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
