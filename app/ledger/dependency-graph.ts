// The ledger's dependencies as one compact integer graph, built once per ledger and shared by
// validation (missing targets, cycles) and by ready work (blocked, deferred parents).
//
// Why: on a large ledger the cost of these questions is memory, not logic. Each dependency
// names its target by id, and turning ~300k id strings into beads means ~300k lookups. Done
// once here, every later question walks a handful of typed arrays by index instead of bead
// objects and string maps. Building it is two steps: a DependencyTable gathers what each bead
// says (readLedger does this as it reads, while the bead is fresh in cache), then buildGraph
// resolves the targets over compact copies of the ids (string-pool.ts).
//
// Shape: beads are indexed by their position in `ledger.sorted()` (id order, so the smallest
// index is the smallest id). Per-bead facts are arrays of codes; edges are compressed rows
// (CSR): bead i's dependencies are edges `edgeStart[i] .. edgeStart[i + 1] - 1`, one edge per
// listed dependency and in the same order, so edge e is `dependencies[e - edgeStart[i]]`.
import { beadStatus, beadType, isEphemeral, TOMBSTONE, type Bead, type Dependency } from "./bead-schema.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import { grown, PoolIndex, StringPool } from "./string-pool.js";
import { instant } from "./timestamps.js";

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
 * Added to the kind of a dependency that repeats an earlier dependency's target. `bd import`
 * stores one edge per (bead, target) and keeps the first it meets (`ON DUPLICATE KEY UPDATE
 * type = type` in `internal/storage/issueops/create.go`), whatever the later one's type, so
 * blocking and ready, which compare kinds exactly, never see it. Validation still does, since
 * it reports each dependency as listed.
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
  /**
   * What ready work's orders compare (ready-sort.ts), for CLAIMABLE beads only (0 for the
   * rest): the priority, P0 when absent as `bd import` has it, and created_at's instant, as
   * the milliseconds a Date keeps (-Infinity when unreadable) and the nanoseconds past them.
   */
  readonly priority: Uint8Array;
  readonly createdMs: Float64Array;
  readonly createdNanos: Int32Array;
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
/** Tables gathered while a ledger was read, waiting for the first question that needs the graph. */
const gathered = new WeakMap<Ledger, DependencyTable>();

export function dependencyGraph(ledger: Ledger): DependencyGraph {
  let graph = graphs.get(ledger);
  if (!graph) {
    const records = ledger.sorted();
    const table = gathered.get(ledger) ?? DependencyTable.of(records);
    gathered.delete(ledger);
    graph = buildGraph(records, table);
    graphs.set(ledger, graph);
  }
  return graph;
}

/**
 * Hands over a table gathered while reading `ledger`, whose beads it must hold in the order of
 * `ledger.sorted()`. The read has each bead's objects fresh in cache; gathering later means
 * fetching ~400k scattered objects back from memory, which costs more than the graph itself.
 */
export function gatheredWhileReading(ledger: Ledger, table: DependencyTable): void {
  if (table.size !== ledger.size) throw new Error("the dependency table does not match the ledger");
  if (!graphs.has(ledger)) gathered.set(ledger, table);
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

/**
 * Everything the graph needs of each bead, in the order added, with targets still named by
 * id: its status, flags and sort keys, and per dependency the target and the kind. Only valid beads
 * belong here (validate-bead.ts): the table trusts their shapes. Typed arrays sized up front,
 * as StringPool's are, for the same reason.
 */
export class DependencyTable {
  readonly ids: StringPool;
  readonly targets: StringPool;
  status: Uint8Array;
  flags: Uint8Array;
  priority: Uint8Array;
  createdMs: Float64Array;
  createdNanos: Int32Array;
  /** Bead k's dependencies are entries edgeEnd[k - 1] (or 0) .. edgeEnd[k] - 1. */
  edgeEnd: Int32Array;
  kinds: Uint8Array;
  private count = 0;

  /** `expected`: roughly how many beads will be added. */
  constructor(expected = 64) {
    this.ids = new StringPool(expected);
    this.targets = new StringPool(expected * DEPENDENCIES_PER_BEAD);
    this.status = new Uint8Array(expected);
    this.flags = new Uint8Array(expected);
    this.priority = new Uint8Array(expected);
    this.createdMs = new Float64Array(expected);
    this.createdNanos = new Int32Array(expected);
    this.edgeEnd = new Int32Array(expected);
    this.kinds = new Uint8Array(expected * DEPENDENCIES_PER_BEAD);
  }

  static of(records: readonly LedgerRecord[]): DependencyTable {
    const table = new DependencyTable(records.length);
    for (const record of records) table.add(record.bead);
    return table;
  }

  get size(): number {
    return this.count;
  }

  add(bead: Bead): void {
    const k = this.count++;
    if (k === this.status.length) {
      this.status = grown(this.status, k + 1);
      this.flags = grown(this.flags, k + 1);
      this.priority = grown(this.priority, k + 1);
      this.createdMs = grown(this.createdMs, k + 1);
      this.createdNanos = grown(this.createdNanos, k + 1);
      this.edgeEnd = grown(this.edgeEnd, k + 1);
    }
    this.ids.add(bead.id);
    this.status[k] = statusClass(bead);
    const flags = beadFlags(bead);
    this.flags[k] = flags;
    if ((flags & BeadFlag.CLAIMABLE) !== 0) {
      // Only work that can be ready is ever sorted; the rest skip the timestamp's parse.
      this.priority[k] = bead.priority ?? 0;
      const created = instant(bead.created_at);
      this.createdMs[k] = created?.ms ?? Number.NEGATIVE_INFINITY;
      this.createdNanos[k] = created?.nanos ?? 0;
    }
    const deps = bead.dependencies;
    if (deps !== undefined) {
      if (this.targets.size + deps.length > this.kinds.length) this.kinds = grown(this.kinds, this.targets.size + deps.length);
      for (const dep of deps) {
        this.kinds[this.targets.size] = edgeKind(dep);
        this.targets.add(dep.depends_on_id);
      }
    }
    this.edgeEnd[k] = this.targets.size;
  }
}

/** A first guess at the room dependencies need; the arrays grow if it is short. */
const DEPENDENCIES_PER_BEAD = 4;

function buildGraph(records: readonly LedgerRecord[], table: DependencyTable): DependencyGraph {
  const n = records.length;
  const index = new PoolIndex(table.ids);
  const { targets, kinds } = table;
  const edgeStart = new Int32Array(n + 1);
  const edgeTarget = new Int32Array(targets.size);
  const edgeType = new Uint8Array(targets.size);
  let m = 0;
  for (let i = 0; i < n; i++) {
    edgeStart[i] = m;
    const first = m;
    const end = table.edgeEnd[i] as number;
    for (; m < end; m++) {
      let target = index.find(targets, m);
      if (target < 0) {
        // Absent targets are rare, so the bead is asked for the text.
        const dep = (records[i] as LedgerRecord).bead.dependencies?.[m - first] as Dependency;
        target = absentTarget(dep.depends_on_id);
      }
      edgeTarget[m] = target;
      edgeType[m] = (kinds[m] as number) | (repeatsEarlierTarget(targets, first, m) ? REPEATED : 0);
    }
  }
  edgeStart[n] = m;
  return {
    records,
    status: table.status.subarray(0, n),
    flags: table.flags.subarray(0, n),
    priority: table.priority.subarray(0, n),
    createdMs: table.createdMs.subarray(0, n),
    createdNanos: table.createdNanos.subarray(0, n),
    edgeStart,
    edgeTarget,
    edgeType,
    indexOf: (id) => index.indexOf(id),
  };
}

/**
 * Whether dependency m names the same target as one listed before it by the same bead, whose
 * dependencies start at `first` (see REPEATED). Compared by hash, then text, within the
 * bead's own few dependencies.
 */
function repeatsEarlierTarget(targets: StringPool, first: number, m: number): boolean {
  const hash = targets.hash(m);
  for (let k = first; k < m; k++) if (targets.hash(k) === hash && targets.equals(k, m)) return true;
  return false;
}

function absentTarget(target: string): number {
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
