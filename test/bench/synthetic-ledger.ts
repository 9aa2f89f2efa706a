// A synthetic ledger shaped like a busy town's: 30% closed, about three dependencies a bead,
// labels and comments. Deterministic for a given size, so runs compare.

const STATUSES = ["open", "open", "open", "open", "in_progress", "blocked", "hooked", "deferred"];
const TYPES = ["task", "task", "bug", "feature", "chore", "epic"];
const DEP_TYPES = ["blocks", "blocks", "related", "discovered-from", "parent-child", "waits-for"];
const LABELS = ["backend", "frontend", "docs", "infra", "flaky", "security", "perf", "ux"];
const WORDS = (
  "ledger bead polecat refinery witness merge queue convoy molecule formula digest patrol " +
  "heartbeat sling hook nudge branch commit runner review label comment status priority"
).split(" ");

/** A small, fast, seeded generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticId(n: number): string {
  return `gt-${n.toString(36).padStart(4, "0")}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => pick(random, WORDS)).join(" ");
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** The beads of the ledger as plain records, sorted by id. */
export function syntheticBeads(count: number, seed = 1): Record<string, unknown>[] {
  const random = seededRandom(seed);
  const start = Date.UTC(2026, 0, 1);
  const beads: Record<string, unknown>[] = [];
  for (let n = 0; n < count; n++) {
    const id = syntheticId(n);
    const created = start + n * 60_000;
    const closed = random() < 0.3;
    const status = closed ? "closed" : pick(random, STATUSES);
    const bead: Record<string, unknown> = {
      id,
      title: sentence(random, 6),
      description: sentence(random, 40),
      status,
      priority: Math.floor(random() * 5),
      issue_type: pick(random, TYPES),
      created_at: isoAt(created),
      created_by: "mayor",
      updated_at: isoAt(created + 3_600_000),
    };
    if (closed) {
      bead.closed_at = isoAt(created + 7_200_000);
      bead.close_reason = "done";
    }
    if (random() < 0.5) bead.labels = [pick(random, LABELS), pick(random, LABELS)].sort();
    const dependencies = [];
    const depCount = n === 0 ? 0 : Math.floor(random() * 7);
    for (let d = 0; d < depCount; d++) {
      const type = pick(random, DEP_TYPES);
      const target = syntheticId(Math.floor(random() * n));
      dependencies.push({
        issue_id: id,
        depends_on_id: target,
        type,
        created_at: isoAt(created),
        created_by: "mayor",
        ...(type === "waits-for" ? { metadata: '{"gate":"all-children"}' } : {}),
      });
    }
    if (dependencies.length > 0) bead.dependencies = dependencies;
    if (random() < 0.2) {
      bead.comments = [{
        id: `c-${n}`,
        issue_id: id,
        author: "witness",
        text: sentence(random, 20),
        created_at: isoAt(created + 1_800_000),
      }];
    }
    beads.push(bead);
  }
  return beads;
}

export function syntheticLedgerText(count: number, seed = 1): string {
  return syntheticBeads(count, seed).map((bead) => JSON.stringify(bead) + "\n").join("");
}

/**
 * `count` open beads, each with two `blocks` dependencies on other beads picked at random: most of
 * them then block one another, around cycles through one large set of beads (Beads accepts it). With
 * `acyclic`, the same beads whose targets are picked among the beads before them instead, so
 * nothing loops (the first two beads have fewer dependencies, having fewer beads before them).
 */
export function cycleLedgerText(count: number, options: { acyclic?: boolean; seed?: number } = {}): string {
  const random = seededRandom(options.seed ?? 7);
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = syntheticId(n);
    // The beads a target is drawn from: every other bead, or those before this one.
    const pool = options.acyclic ? n : count - 1;
    const targets = new Set<number>();
    while (targets.size < Math.min(2, pool)) {
      const pick = Math.floor(random() * pool);
      targets.add(options.acyclic || pick < n ? pick : pick + 1);
    }
    const dependencies = [...targets].map((target) => ({
      issue_id: id, depends_on_id: syntheticId(target), type: "blocks",
      created_at: "2026-01-01T00:00:00Z", created_by: "mayor",
    }));
    lines.push(JSON.stringify({
      id, title: `Bead ${n}`, status: "open", priority: n % 5, issue_type: "task",
      created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
      ...(dependencies.length > 0 ? { dependencies } : {}),
    }) + "\n");
  }
  return lines.join("");
}
