// Counts a model's replies in a stream that shows what the model said and which tools it called,
// but not its requests (Codex's and Gemini CLI's JSON events). A reply begins with the first
// thing the model says or calls at the start, or after a tool's result came back: a reply that
// calls several tools at once is one, and a reply the stream shows as a message and then a tool
// call after a result is two. So the count is never lower than the requests that produced output.

export class ReplyCounter {
  #replies = 0;
  #awaitingReply = true;

  /** The model said or called something; true when that began a reply. */
  said(): boolean {
    if (!this.#awaitingReply) return false;
    this.#awaitingReply = false;
    this.#replies++;
    return true;
  }

  /** A tool's result went back to the model: what it says next is another reply. */
  toolReturned(): void {
    this.#awaitingReply = true;
  }

  get replies(): number {
    return this.#replies;
  }
}
