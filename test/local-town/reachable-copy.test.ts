// The stand-in agents' copy where every user may enter: made with the process's pid in its name,
// and the copies of processes that ended without their exit handlers (killed, a test worker torn
// down) removed by the next copy made with the same prefix, never a running process's.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { reachableCopy } from "../../local-town/town-paths.js";

/** A prefix of this test's own, so the copies other test files make are never looked at. */
const PREFIX = `gastown-copy-test-${process.pid}-`;
let source: string | undefined;
afterEach(async () => {
  for (const name of (await readdir(tmpdir())).filter((entry) => entry.startsWith(PREFIX))) await rm(join(tmpdir(), name), { recursive: true, force: true });
  if (source !== undefined) await rm(source, { recursive: true, force: true });
  source = undefined;
});

it("copies into a directory every user may enter, named with the pid, and removes what ended processes left, following no link", async () => {
  source = await mkdtemp(join(tmpdir(), "gastown-copy-source-"));
  await writeFile(join(source, "hasty.sh"), "#!/bin/sh\n", { mode: 0o755 });
  const ended = spawnSync("true").pid as number;
  const left = join(tmpdir(), `${PREFIX}${ended}-aaaaaa`);
  await mkdir(join(left, "deep"), { recursive: true });
  await writeFile(join(left, "deep", "file"), "left behind");
  const target = await mkdtemp(join(tmpdir(), "gastown-copy-target-"));
  const link = join(tmpdir(), `${PREFIX}${ended}-bbbbbb`);
  await symlink(target, link);
  const running = join(tmpdir(), `${PREFIX}${process.pid}-cccccc`);
  await mkdir(running);
  const other = join(tmpdir(), `${PREFIX}not-a-pid`);
  await mkdir(other);

  const copy = reachableCopy(source, PREFIX);

  expect(copy).toMatch(new RegExp(`/${PREFIX}${process.pid}-\\w{6}$`));
  expect((await stat(copy)).mode & 0o777).toBe(0o755);
  expect(await readdir(copy)).toEqual(["hasty.sh"]);
  expect((await readdir(tmpdir())).filter((entry) => entry.startsWith(PREFIX)).sort()).toEqual(
    [copy.slice(tmpdir().length + 1), `${PREFIX}${process.pid}-cccccc`, `${PREFIX}not-a-pid`].sort(),
  );
  // The link went, not what it pointed at.
  expect(await readdir(target)).toEqual([]);
  await rm(target, { recursive: true });
});
