// The JSON schema of `.github/gastown.yml`, generated from the zod schema so the two cannot
// drift; editors use the committed copy (`schemas/gastown.schema.json`) to check and complete
// the file. `npm run schema` writes it; a test fails when it is out of date.
import { z } from "zod";
import { configSchema } from "./config-schema.js";

export function configJsonSchemaText(): string {
  // `input`: what a person may write, where every setting is optional.
  const schema = z.toJSONSchema(configSchema, { io: "input" });
  return JSON.stringify({ ...schema, title: "Gas Town settings (.github/gastown.yml)" }, null, 2) + "\n";
}
