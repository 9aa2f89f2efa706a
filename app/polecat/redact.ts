// Secrets kept out of everything a polecat run publishes: the heartbeat's output tail, step notes,
// comments, its own log. An agent that read a key (or was told to print one) can leak it in any
// encoding it likes; the ones text passes through on its way out are covered: as written, URL-
// encoded, in base64 at any alignment (a secret inside a longer base64 text), and in HTTP basic
// auth as git sends a token. Each form is also given to the runner to mask in the job's log.

/** Shorter forms would redact ordinary text; no real credential is this short. */
const MIN_FORM_LENGTH = 6;
export const REDACTED = "***";

export class Redactor {
  private readonly forms: readonly string[];

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length === 0) continue;
      for (const form of secretForms(secret)) if (form.length >= MIN_FORM_LENGTH) forms.add(form);
    }
    // Longest first, so a form inside another is not replaced first and leaves the rest showing.
    this.forms = [...forms].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  /** Every form, for the runner's `::add-mask::`. */
  masks(): readonly string[] {
    return this.forms;
  }
}

/** The forms a secret takes in text that leaves the run. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [
    secret,
    encodeURIComponent(secret),
    ...base64Forms(bytes),
    // git and curl send a token as the basic-auth password of `x-access-token`.
    ...base64Forms(Buffer.from(`x-access-token:${secret}`, "utf8")),
  ];
}

/**
 * The secret's base64 at each of the three alignments it can have inside a longer text, cut to
 * the characters its own bytes alone decide, in the standard and the URL alphabets.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]);
    const encoded = padded.toString("base64");
    // Character i holds bits 6i .. 6i+5 of the stream; keep those wholly inside the secret.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const form = encoded.slice(first, end);
    forms.push(form, form.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}
