// Heartbeats not yet accepted by the core, oldest first, bounded: when the core
// is down for longer than the queue holds, the oldest are dropped (and counted)
// so memory stays flat. Each heartbeat keeps its own sentAt and sequence.
//
//   new HeartbeatQueue<T>(capacity = 1000)
//   push(item): void · peek(): T | undefined · shift(): T | undefined · size · dropped
//   keepNewest(): void   (a rejected token: only the latest state is worth retrying)
export class HeartbeatQueue<T> {
  private items: T[] = [];
  private droppedCount = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`heartbeat queue capacity ${capacity} is not a positive integer`);
  }

  get size(): number {
    return this.items.length;
  }

  /** How many heartbeats were dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) {
      const excess = this.items.length - this.capacity;
      this.items.splice(0, excess);
      this.droppedCount += excess;
    }
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  keepNewest(): void {
    if (this.items.length > 1) this.items = this.items.slice(-1);
  }

  toArray(): T[] {
    return [...this.items];
  }
}
