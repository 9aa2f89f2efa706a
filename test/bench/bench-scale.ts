// How big each bench runs. `npm run bench -- --quick` (the runner sets BENCH_QUICK=1) runs every
// case smaller, for a look in a minute or two: its figures show the shape, not the README's
// numbers, which come from the full sizes. A bench's own BENCH_* variable still wins over both.

export const QUICK = process.env.BENCH_QUICK === "1";

/** `full`, or `quick` when the run is quick, unless the variable `name` gives a number. */
export function benchSize(name: string, full: number, quick: number): number {
  const given = process.env[name];
  if (given !== undefined && given !== "") return Number(given);
  return QUICK ? quick : full;
}
