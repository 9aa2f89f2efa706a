// Bundles each action into its committed dist/index.js (`npm run dist`), or with `--check`
// says whether the committed bundles are what the sources give now (a test runs that).
// The runner runs dist/index.js as it is, with no npm install, so everything is bundled.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The bundles, each an entry and the committed file it becomes. The polecat action also carries
 * the `gt` command its agent runs (the runner's commands), copied where the agent's user can run it,
 * and the init of the agent's sandbox.
 */
export const BUNDLES = [
  { entry: "action/town/main.ts", outfile: "action/town/dist/index.js" },
  { entry: "action/patrol/main.ts", outfile: "action/patrol/dist/index.js" },
  { entry: "action/refinery/main.ts", outfile: "action/refinery/dist/index.js" },
  { entry: "action/gates/main.ts", outfile: "action/gates/dist/index.js" },
  { entry: "action/polecat/main.ts", outfile: "action/polecat/dist/index.js" },
  { entry: "action/polecat/post.ts", outfile: "action/polecat/dist/post.js" },
  { entry: "app/cli/main.ts", outfile: "action/polecat/dist/gt.js" },
  // The agent's sandbox's init, run on the agent's node inside the sandbox (app/polecat/sandbox/).
  { entry: "app/polecat/sandbox/sandbox-init.ts", outfile: "action/polecat/dist/sandbox-init.js" },
];

// The bundle is ESM; CommonJS packages in it (pino, @actions/http-client's tunnel, …) still
// call require() and read __filename, which ESM lacks, so the banner makes them.
const BANNER = [
  'import { createRequire as __gastownCreateRequire } from "node:module";',
  'import { fileURLToPath as __gastownFileURLToPath } from "node:url";',
  'import { dirname as __gastownDirname } from "node:path";',
  "const require = __gastownCreateRequire(import.meta.url);",
  "const __filename = __gastownFileURLToPath(import.meta.url);",
  "const __dirname = __gastownDirname(__filename);",
].join("\n");

/** One bundle, as text; the same sources and packages always give the same text. */
export async function bundle({ entry, outfile }) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    // The actions say `using: node24`; node20 keeps the bundle runnable where the tests run.
    target: "node20",
    format: "esm",
    banner: { js: BANNER },
    legalComments: "none",
    // Paths named in the bundle stay `node_modules/…` when node_modules is a symbolic link (a git
    // worktree sharing another checkout's), so every checkout gives the same text.
    preserveSymlinks: true,
    logLevel: "warning",
    write: false,
    outfile,
  });
  const [file] = result.outputFiles;
  return { path: file.path, text: file.text };
}

async function main(check) {
  let stale = 0;
  for (const target of BUNDLES) {
    const { path, text } = await bundle(target);
    const shown = relative(root, path);
    if (!check) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      process.stdout.write(`wrote ${shown} (${Math.round(text.length / 1024)} KiB)\n`);
      continue;
    }
    const committed = await readFile(path, "utf8").catch(() => undefined);
    if (committed !== text) {
      stale += 1;
      process.stderr.write(`${shown} is not what its sources give: run \`npm run dist\` and commit it.\n`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.includes("--check"));
