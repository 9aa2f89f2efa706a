// Why the action will not take an agent's work: a sentence naming what it found (a path in the
// clone, a commit, a limit), meant for the person who reads the run and for the agent's re-run.
export class WorkRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkRefusal";
  }
}
