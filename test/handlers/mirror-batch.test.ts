import { describe, expect, it } from "vitest";
import { MirrorBatches } from "../../app/handlers/mirror-batch.js";

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("MirrorBatches", () => {
  it("collects what arrives while a batch is being applied into the next one, applied once", async () => {
    const batches = new MirrorBatches<string>();
    const applied: string[][] = [];
    const first = gate();
    const apply = async (take: () => readonly string[]) => {
      // The mutation takes the changes once the ledger is read, which the gate stands for.
      if (applied.length === 0) await first.promise;
      const changes = take();
      // A mutation run again after a lost race takes the very same changes.
      expect(take()).toBe(changes);
      applied.push([...changes]);
    };
    const a = batches.submit("octo/town", "a", apply);
    const b = batches.submit("octo/town", "b", apply);
    // Still open: the first batch has not taken its changes.
    expect(batches.busy).toBe(1);
    first.open();
    await a;
    const c = batches.submit("octo/town", "c", apply);
    const d = batches.submit("octo/town", "d", apply);
    await Promise.all([b, c, d]);
    expect(applied).toEqual([["a", "b"], ["c", "d"]]);
    expect(batches.busy).toBe(0);
  });

  it("starts the next batch while the last is writing, taking only what came after it took its own", async () => {
    const batches = new MirrorBatches<string>();
    const applied: string[][] = [];
    const writing = gate();
    let taken = gate();
    const apply = async (take: () => readonly string[]) => {
      applied.push([...take()]);
      taken.open();
      if (applied.length === 1) await writing.promise;
    };
    const a = batches.submit("octo/town", "a", apply);
    await taken.promise;
    taken = gate();
    // The first batch has taken "a" and is writing: these wait for it, together.
    const b = batches.submit("octo/town", "b", apply);
    const c = batches.submit("octo/town", "c", apply);
    expect(applied).toEqual([["a"]]);
    writing.open();
    await Promise.all([a, b, c]);
    expect(applied).toEqual([["a"], ["b", "c"]]);
  });

  it("keeps repositories apart, and a failed batch fails its own events only", async () => {
    const batches = new MirrorBatches<string>();
    const failing = batches.submit("octo/one", "a", async () => {
      throw new Error("GitHub is down");
    });
    const other = batches.submit("octo/two", "b", async (take) => {
      expect(take()).toEqual(["b"]);
    });
    await expect(failing).rejects.toThrow("GitHub is down");
    await other;
    await batches.submit("octo/one", "c", async (take) => {
      expect(take()).toEqual(["c"]);
    });
    expect(batches.busy).toBe(0);
  });
});
