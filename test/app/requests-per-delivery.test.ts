// The GitHub requests each kind of delivery costs the App, held to the least each needs
// (test/bench/delivery-minimums.ts): one block of the webhook bench's mix, every kind in it,
// handed to the App one delivery at a time, so each delivery's requests are its own.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryRequests, DELIVERY_MINIMUMS, minimumOf, ONCE_A_PROCESS } from "../bench/delivery-minimums.js";
import { offMinimum, totalOf } from "../bench/request-minimums.js";
import { buildMix, mixKind, type Mix } from "../bench/webhook-mix.js";
import { REPO } from "./app-harness.js";

interface Handled {
  readonly kind: string;
  readonly id: string;
  /** Requests beyond the kind's minimum (positive) or short of it (negative), by operation. */
  readonly off: Record<string, number>;
}

let mix: Mix;
const handled: Handled[] = [];
const once: Record<string, number> = {};

beforeAll(async () => {
  mix = await buildMix(1);
  const { town } = mix;
  for (const delivery of mix.deliveries) {
    const kind = mixKind(delivery);
    const ledgerBranch = (await town.github.git(REPO).resolveRef("refs/heads/gastown/ledger")) !== undefined;
    town.github.resetCounters();
    await town.app(0).receive({ id: delivery.id, name: delivery.event as never, payload: delivery.payload as never });
    await town.github.settled();
    const counters = town.github.counters;
    for (const { operationId } of ONCE_A_PROCESS) once[operationId] = (once[operationId] ?? 0) + (counters[operationId]?.requests ?? 0);
    handled.push({ kind, id: delivery.id, off: offMinimum(deliveryRequests(counters), minimumOf(kind, ledgerBranch)) });
  }
}, 60_000);

afterAll(async () => {
  await mix.town.close();
  expect(mix.town.github.problems).toEqual([]);
});

describe("requests per delivery", () => {
  it("makes exactly the least requests each kind needs, for every delivery of the mix", () => {
    expect(new Set(handled.map((h) => h.kind))).toEqual(new Set(Object.keys(DELIVERY_MINIMUMS)));
    expect(handled.filter((h) => Object.keys(h.off).length > 0)).toEqual([]);
  });

  it("asks for its installation token and its own login once", () => {
    expect(once).toEqual({ "apps/create-installation-access-token": 1, "apps/get-authenticated": 1 });
  });

  it("is the table the README shows, row for row", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("#### Requests per delivery"));
    const rows = [...section.slice(0, section.indexOf("\n\n", section.indexOf("|"))).matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)];

    expect(Object.fromEntries(rows.map(([, kind, n]) => [kind, Number(n)]))).toEqual(
      Object.fromEntries(Object.entries(DELIVERY_MINIMUMS).map(([kind, minimum]) => [kind, totalOf(minimum.needed)])),
    );
  });
});
