// The action's entry, bundled into dist/index.js. Do not add logic here: it lives in runner.ts,
// where tests can reach it.
import { run } from "./runner.js";

await run();
