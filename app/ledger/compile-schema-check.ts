// A yes/no check compiled from a zod schema. Loading a ledger validates every record, and
// zod's full parse (which builds a result object and error paths) costs more than reading the
// JSON. The zod schema stays the one definition: this walks it once and returns a closure
// that accepts exactly what zod accepts; only a record it rejects goes through zod, for the
// messages. A test holds the two to the same verdicts.
import type { z } from "zod";

type Check = (value: unknown) => boolean;

// The parts of zod 4's internal definitions this compiler reads.
interface Def {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  options?: Schema[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  fn?: (value: unknown) => unknown;
}
interface Schema {
  _zod: { def: Def };
}

function compileRule(def: CheckDef, path: string): Check {
  switch (def.check) {
    case "min_length": {
      const min = def.minimum as number;
      return (v) => (v as string | unknown[]).length >= min;
    }
    case "max_length": {
      const max = def.maximum as number;
      return (v) => (v as string | unknown[]).length <= max;
    }
    case "number_format":
      if (def.format === "safeint") return (v) => Number.isSafeInteger(v);
      break;
    case "greater_than": {
      const limit = def.value as number;
      return def.inclusive ? (v) => (v as number) >= limit : (v) => (v as number) > limit;
    }
    case "less_than": {
      const limit = def.value as number;
      return def.inclusive ? (v) => (v as number) <= limit : (v) => (v as number) < limit;
    }
    case "custom": {
      const fn = def.fn as (value: unknown) => unknown;
      return (v) => Boolean(fn(v));
    }
  }
  throw new Error(`compileSchemaCheck: ${path}: unsupported check "${def.check}"`);
}

function withRules(base: Check, def: Def, path: string): Check {
  const rules = (def.checks ?? []).map((c) => compileRule(c._zod.def, path));
  if (rules.length === 0) return base;
  return (v) => {
    if (!base(v)) return false;
    for (const rule of rules) if (!rule(v)) return false;
    return true;
  };
}

function compile(schema: Schema, path: string): Check {
  const def = schema._zod.def;
  switch (def.type) {
    case "string":
      return withRules((v) => typeof v === "string", def, path);
    case "number":
      return withRules((v) => typeof v === "number" && Number.isFinite(v), def, path);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "unknown":
      return () => true;
    case "literal": {
      const values = new Set(def.values);
      return (v) => values.has(v);
    }
    case "enum": {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case "optional": {
      const inner = compile(def.innerType as Schema, path);
      return (v) => v === undefined || inner(v);
    }
    case "union": {
      const options = (def.options ?? []).map((o) => compile(o, path));
      return (v) => options.some((option) => option(v));
    }
    case "array": {
      const element = compile(def.element as Schema, `${path}[]`);
      return withRules((v) => {
        if (!Array.isArray(v)) return false;
        for (const item of v) if (!element(item)) return false;
        return true;
      }, def, path);
    }
    case "object": {
      if (def.catchall && def.catchall._zod.def.type !== "unknown") {
        throw new Error(`compileSchemaCheck: ${path}: only loose objects are supported`);
      }
      const fields = Object.entries(def.shape ?? {}).map(
        ([key, field]) => [key, compile(field, path ? `${path}.${key}` : key)] as const,
      );
      return (v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
        const record = v as Record<string, unknown>;
        for (const [key, check] of fields) if (!check(record[key])) return false;
        return true;
      };
    }
  }
  throw new Error(`compileSchemaCheck: ${path || "(root)"}: unsupported schema type "${def.type}"`);
}

/** A function that says whether `schema.safeParse(value).success` would be true. */
export function compileSchemaCheck(schema: z.ZodType): Check {
  return compile(schema as unknown as Schema, "");
}
