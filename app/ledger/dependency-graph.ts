// The ledger's dependencies as one compact integer graph, built once per ledger and shared by
// validation (missing targets, cycles) and by ready work (blocked, deferred parents).
//
// Why: on a large ledger the cost of these questions is memory, not logic. Each dependency
// names its target by id, and turning ~300k id strings into beads means ~300k hash lookups,
// each a few cache misses into objects scattered over the heap. Done once here, every later
// question walks a handful of typed arrays by index instead of bead objects and string maps.
//
// Shape: beads are indexed by their position in `ledger.sorted()` (id order, so the smallest
// index is the smallest id). Per-bead facts are arrays of codes; edges are compressed rows
// (CSR): bead i's dependencies are edges `edgeStart[i] .. edgeStart[i + 1] - 1`, one edge per
// listed dependency and in the same order, so edge e is `dependencies[e - edgeStart[i]]`.
import { beadStatus, beadType, isEphemeral, TOMBSTONE, type Bead, type Dependency } from "./bead-schema.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import { isStoredEdge } from "./stored-edges.js";

/** An edge target the ledger does not hold (`bd import` drops such a dependency). */
export const MISSING = -1;
/** An `external:<project>:<id>` target the ledger does not hold: a bead of another ledger. */
export const EXTERNAL = -2;
const EXTERNAL_PREFIX = "external:";

/** What an edge is, by its dependency type; the blocking types are the ones not OTHER. */
export const EdgeKind = {
  OTHER: 0,
  BLOCKS: 1,
  CONDITIONAL_BLOCKS: 2,
  PARENT_CHILD: 3,
  /** `waits-for` with any gate but `any-children`, as Beads reads `$.gate` (the default). */
  WAITS_FOR_ALL: 4,
  WAITS_FOR_ANY: 5,
} as const;

/**
 * Added to the kind of a dependency that repeats an earlier dependency's target: Beads stores
 * only the first (see stored-edges.ts), so blocking and ready, which compare kinds exactly,
 * never see it. Validation still does, since it reports each dependency as listed.
 */
export const REPEATED = 0x80;

/** The bead's status, as far as dependencies care; anything not named here is ACTIVE. */
export const StatusClass = {
  OPEN: 0,
  /** in_progress, blocked, deferred, hooked and custom statuses. */
  ACTIVE: 1,
  CLOSED: 2,
  PINNED: 3,
  /** Beads ≤ 0.50's deleted record: absent to Beads today. */
  TOMBSTONE: 4,
} as const;

export const BeadFlag = {
  /** Work to claim, by what the bead says of itself: see isClaimable. */
  CLAIMABLE: 1,
  /** Has `defer_until`: whether it is deferred depends on the clock. */
  HAS_DEFER_UNTIL: 2,
  /** The bead's own id starts with `external:`; such a target blocks whatever its status. */
  EXTERNAL_ID: 4,
} as const;

export interface DependencyGraph {
  /** The ledger's records in id order: bead i is `records[i]`. */
  readonly records: readonly LedgerRecord[];
  /** StatusClass of each bead. */
  readonly status: Uint8Array;
  /** BeadFlag bits of each bead. */
  readonly flags: Uint8Array;
  /** n + 1 offsets: bead i's edges are edgeStart[i] .. edgeStart[i + 1] - 1. */
  readonly edgeStart: Int32Array;
  /** Each edge's target bead, or MISSING or EXTERNAL. */
  readonly edgeTarget: Int32Array;
  /** Each edge's EdgeKind, plus REPEATED when Beads would not store it. */
  readonly edgeType: Uint8Array;
  /** The index of the bead with this id, or MISSING. */
  indexOf(id: string): number;
}

/** A ledger never changes (a change makes a new one), so its graph is kept with it. */
const graphs = new WeakMap<Ledger, DependencyGraph>();

export function dependencyGraph(ledger: Ledger): DependencyGraph {
  let graph = graphs.get(ledger);
  if (!graph) {
    graph = buildGraph(ledger);
    graphs.set(ledger, graph);
  }
  return graph;
}

/** Beads that track the town's machinery or its mail, never work to claim. */
const NOT_WORK_TYPES: ReadonlySet<string> = new Set([
  "merge-request", "gate", "molecule", "message", "agent", "role", "rig",
]);

/**
 * What a bead says of itself, before its dependencies or the clock are consulted: `bd ready`
 * asks for `open` only (in_progress work already has someone on it), never pinned or
 * ephemeral, never infrastructure.
 */
export function isClaimable(bead: Bead): boolean {
  return beadStatus(bead) === "open" && bead.pinned !== true && !isEphemeral(bead) &&
    !NOT_WORK_TYPES.has(beadType(bead));
}

function buildGraph(ledger: Ledger): DependencyGraph {
  const records = ledger.sorted();
  const n = records.length;
  // First pass, over the beads: everything each bead says of itself. Its dependencies are set
  // aside so the second pass, over the edges, need not visit the bead objects again.
  const index = new IdIndex(n);
  const status = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const dependencies = new Array<readonly Dependency[] | undefined>(n);
  let listed = 0;
  for (let i = 0; i < n; i++) {
    const bead = (records[i] as LedgerRecord).bead;
    index.add(bead.id, i);
    status[i] = statusClass(bead);
    flags[i] = beadFlags(bead);
    const deps = bead.dependencies;
    dependencies[i] = deps;
    if (deps !== undefined) listed += deps.length;
  }

  const edgeStart = new Int32Array(n + 1);
  const edgeTarget = new Int32Array(listed);
  const edgeType = new Uint8Array(listed);
  // lastSource[t] = i + 1 once bead i has an edge to t: finds repeated targets in one pass,
  // however many dependencies a bead lists.
  const lastSource = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    edgeStart[i] = m;
    const deps = dependencies[i];
    if (deps === undefined) continue;
    for (let d = 0; d < deps.length; d++, m++) {
      const dep = deps[d] as Dependency;
      const target = resolve(index, dep.depends_on_id);
      let repeated: boolean;
      if (target >= 0) {
        repeated = lastSource[target] === i + 1;
        lastSource[target] = i + 1;
      } else {
        // Absent targets share a sentinel, so only their text tells them apart.
        repeated = !isStoredEdge(deps, d);
      }
      edgeTarget[m] = target;
      edgeType[m] = edgeKind(dep) | (repeated ? REPEATED : 0);
    }
  }
  edgeStart[n] = m;
  return { records, status, flags, edgeStart, edgeTarget, edgeType, indexOf: (id) => index.indexOf(id) };
}

function resolve(index: IdIndex, target: string): number {
  const at = index.indexOf(target);
  if (at >= 0) return at;
  return target.startsWith(EXTERNAL_PREFIX) ? EXTERNAL : MISSING;
}

function statusClass(bead: Bead): number {
  switch (beadStatus(bead)) {
    case "open": return StatusClass.OPEN;
    case "closed": return StatusClass.CLOSED;
    case "pinned": return StatusClass.PINNED;
    case TOMBSTONE: return StatusClass.TOMBSTONE;
    default: return StatusClass.ACTIVE;
  }
}

function beadFlags(bead: Bead): number {
  let flags = 0;
  if (isClaimable(bead)) flags |= BeadFlag.CLAIMABLE;
  if (bead.defer_until !== undefined) flags |= BeadFlag.HAS_DEFER_UNTIL;
  if (bead.id.startsWith(EXTERNAL_PREFIX)) flags |= BeadFlag.EXTERNAL_ID;
  return flags;
}

function edgeKind(dep: Dependency): number {
  switch (dep.type) {
    case "blocks": return EdgeKind.BLOCKS;
    case "conditional-blocks": return EdgeKind.CONDITIONAL_BLOCKS;
    case "parent-child": return EdgeKind.PARENT_CHILD;
    case "waits-for":
      return isAnyChildrenGate(dep.metadata) ? EdgeKind.WAITS_FOR_ANY : EdgeKind.WAITS_FOR_ALL;
    default: return EdgeKind.OTHER;
  }
}

const ANY_CHILDREN = "any-children";

/** Beads reads `$.gate` from the metadata JSON; anything else, or no metadata, is all-children. */
function isAnyChildrenGate(metadata: string | undefined): boolean {
  // Most gates are all-children; skip parsing unless the text could say otherwise.
  if (metadata === undefined || !metadata.includes(ANY_CHILDREN)) return false;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === "object" && parsed !== null &&
      (parsed as { gate?: unknown }).gate === ANY_CHILDREN;
  } catch {
    return false;
  }
}

const EMPTY_SLOT = -1;

/**
 * Bead ids to indexes: an open-addressing table in one Int32Array, at most half full so probes
 * stay short. A Map<string, number> would answer the same, but for 100k ids it takes ~40 ms
 * to build (it grows by rehashing) and the build's ~300k lookups cost about half again as
 * much (measured on test/bench's synthetic ledger).
 */
class IdIndex {
  private readonly ids: string[];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.ids = new Array<string>(capacity);
    this.slots = new Int32Array(size).fill(EMPTY_SLOT);
    this.mask = size - 1;
  }

  /** Ids are unique: a Ledger holds them as the keys of a Map. */
  add(id: string, at: number): void {
    this.ids[at] = id;
    let slot = hashId(id) & this.mask;
    while (this.slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & this.mask;
    this.slots[slot] = at;
  }

  indexOf(id: string): number {
    let slot = hashId(id) & this.mask;
    for (;;) {
      const at = this.slots[slot] as number;
      if (at === EMPTY_SLOT) return MISSING;
      if (this.ids[at] === id) return at;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** 32-bit FNV-1a over the UTF-16 code units: ids are short, and this spreads their last characters. */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  // Left signed: a small integer to V8, and `& mask` makes it a slot either way.
  return hash;
}
