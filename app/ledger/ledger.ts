// A loaded ledger: every bead by id, each with the line it was read from, so that a write
// puts back every bead it did not change byte for byte.
import type { Bead } from "./bead-schema.js";

export interface LedgerRecord {
  readonly bead: Bead;
  /** The line as read, without its newline; undefined once the bead is changed or new. */
  readonly raw: string | undefined;
  /** 1-based line in the file it was read from; 0 for a bead not read from a file. */
  readonly line: number;
}

export function compareIds(a: string, b: string): number {
  // Byte order, as Go's sort.Strings: never locale order.
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Ledger {
  private sortedCache: readonly LedgerRecord[] | undefined;

  constructor(
    readonly records: ReadonlyMap<string, LedgerRecord>,
    /** Lines that are not beads (`_type: memory`), kept as they were, in order. */
    readonly otherLines: readonly string[] = [],
    /** The same records in id order, when already known (a file read in id order). */
    inIdOrder?: readonly LedgerRecord[],
  ) {
    this.sortedCache = inIdOrder;
  }

  static of(beads: Iterable<Bead>): Ledger {
    return Ledger.empty().withBeads(beads);
  }

  static empty(): Ledger {
    return new Ledger(new Map());
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): Bead | undefined {
    return this.records.get(id)?.bead;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  /** Records in id order, the order the file is written in. */
  sorted(): readonly LedgerRecord[] {
    this.sortedCache ??= [...this.records.values()].sort((a, b) => compareIds(a.bead.id, b.bead.id));
    return this.sortedCache;
  }

  beads(): Bead[] {
    return this.sorted().map((record) => record.bead);
  }

  /**
   * A ledger with these beads added or replaced. A bead that is the very object already held
   * is left as it was read; any other is written canonically. Beads are never mutated in
   * place: build a new object (`{ ...bead, status: "closed" }`).
   */
  withBeads(beads: Iterable<Bead>): Ledger {
    const records = new Map(this.records);
    for (const bead of beads) {
      const current = records.get(bead.id);
      if (current?.bead === bead) continue;
      records.set(bead.id, { bead, raw: undefined, line: current?.line ?? 0 });
    }
    return new Ledger(records, this.otherLines);
  }

  withBead(bead: Bead): Ledger {
    return this.withBeads([bead]);
  }

  /** Applies `change` to one bead; unknown ids are an error, since nothing can be changed. */
  update(id: string, change: (bead: Bead) => Bead): Ledger {
    const bead = this.get(id);
    if (!bead) throw new Error(`no bead ${id} in the ledger`);
    return this.withBead(change(bead));
  }
}
