/**
 * A FIFO lock around the one SQLite connection. SQLite serialises writers anyway; the mutex makes a Kysely
 * transaction own the connection from `begin` to `commit`, so no other query can slip into it.
 */
export class ConnectionMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the lock straight to the next waiter, so a stream of acquirers cannot starve an earlier one. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}
