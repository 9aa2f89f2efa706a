// The deny files' lock: one changer at a time, a dead holder's lock taken over, a live one's
// waited on; and cron.deny and at.deny kept whole while many jobs add and take out their users.
import { spawnSync } from "node:child_process";
import { access, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { allowScheduling, denyScheduling } from "../../app/polecat/agent-user.js";
import { withFileLock } from "../../app/polecat/file-lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-file-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that ran and has ended. */
function deadPid(): number {
  const child = spawnSync("true");
  return child.pid as number;
}

describe("withFileLock", () => {
  it("runs one holder at a time, in turn, and leaves no lock behind, even after a throw", async () => {
    const file = join(dir, "list");
    const events: string[] = [];
    const hold = (name: string) => withFileLock(file, async () => {
      events.push(`${name} in`);
      await sleep(30);
      events.push(`${name} out`);
    }, { pollMs: 5 });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    expect(events.filter((_, i) => i % 2 === 0).map((event) => event.replace(" in", " out"))).toEqual(events.filter((_, i) => i % 2 === 1));
    await expect(withFileLock(file, () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes over a lock whose holder has died, or that was never written and is old", async () => {
    const file = join(dir, "list");
    await writeFile(`${file}.lock`, `${deadPid()}\n`);
    expect(await withFileLock(file, async () => "taken")).toBe("taken");
    await writeFile(`${file}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    expect(await withFileLock(file, async () => "taken again")).toBe("taken again");
    await expect(access(`${file}.lock`)).rejects.toThrow("ENOENT");
  });

  it("waits on a live holder, and names the lock when it gives up", async () => {
    const file = join(dir, "list");
    await writeFile(`${file}.lock`, `${process.pid}\n`);
    await expect(withFileLock(file, async () => "never", { timeoutMs: 100, pollMs: 10 }))
      .rejects.toThrow(`${file}.lock is still held by another process; remove it if none is running`);
    expect(await readFile(`${file}.lock`, "utf8")).toBe(`${process.pid}\n`);
  });
});

describe("the deny files under many jobs at once", () => {
  it("hold every user denied and no user allowed again, and go with the last user when it is the one that made them", async () => {
    const file = join(dir, "cron.deny");
    const names = Array.from({ length: 24 }, (_, i) => `gtagent-job-${i}`);
    const made = await Promise.all(names.map((name) => denyScheduling(name, [file])));
    expect(made.filter((files) => files.length > 0)).toEqual([[file]]);
    expect((await readFile(file, "utf8")).split("\n").filter(Boolean).sort()).toEqual([...names].sort());

    const maker = names[made.findIndex((files) => files.length > 0)] as string;
    const leaving = names.filter((name, i) => i % 2 === 0 && name !== maker);
    await Promise.all(leaving.map((name) => allowScheduling(name, [file], [])));
    expect((await readFile(file, "utf8")).split("\n").filter(Boolean).sort()).toEqual(names.filter((name) => !leaving.includes(name)).sort());

    await Promise.all(names.filter((name) => !leaving.includes(name) && name !== maker).map((name) => allowScheduling(name, [file], [])));
    expect(await readFile(file, "utf8")).toBe(`${maker}\n`);
    await allowScheduling(maker, [file], [file]);
    expect(await readdir(dir)).toEqual([]);
  });
});
