// What the tests that check the agent parsers' line schemas against the vendors' published types
// share: the packages' own files, unpacked once into the tests' cache (no dependencies, no
// scripts: a type they refer to elsewhere is `any` to the checks, which read only the event
// types), and the compiler's complaints about a file of assignments.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";

const run = promisify(execFile);

export const TYPES_CACHE = "/var/cache/gastown-tests/sdk-types";

/** The package's directory, from its npm tarball, unpacked once; a directory that exists is whole (renamed into place). */
export async function unpackedPackage(name: string, version: string): Promise<string> {
  const dir = join(TYPES_CACHE, `${name.replace(/^@/, "").replace(/\//g, "-")}@${version}.unpacked`);
  if (await stat(dir).then(() => true, () => false)) return dir;
  await mkdir(TYPES_CACHE, { recursive: true });
  const staging = await mkdtemp(join(TYPES_CACHE, ".staging-"));
  try {
    const { stdout } = await run("npm", ["pack", `${name}@${version}`, "--pack-destination", staging, "--loglevel", "error"], { cwd: staging, timeout: 5 * 60_000 });
    await run("tar", ["-xzf", join(staging, stdout.trim().split("\n").at(-1)!), "-C", staging]);
    await rename(join(staging, "package"), dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

/** The compiler's complaints about a file, as `line: message`. */
export async function typeErrors(source: string): Promise<string[]> {
  const dir = await mkdtemp(join(TYPES_CACHE, ".check-"));
  try {
    const file = join(dir, "check.ts");
    await writeFile(file, source);
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      typeRoots: [resolve("node_modules/@types")], types: ["node"],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const line = diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
        : 0;
      return `${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n").split("\n")[0]}`;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
