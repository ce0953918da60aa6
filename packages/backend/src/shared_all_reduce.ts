import { waitForCounter } from "./wait_for_counter";

/**
 * A synchronous all-reduce (sum) among replicas on one SharedArrayBuffer, for data-parallel training. Every
 * replica calls {@link SharedAllReduce.sum} the same number of times in the same order (the network graph is the
 * same everywhere); each call writes the replica's values into its slot, waits at a barrier until every replica has
 * written, and sums the slots in replica order in Float64, so every replica gets bit-identical totals.
 *
 * Slots are double-buffered by call parity: a replica can only reach call k + 2 after every replica has arrived at
 * call k + 1, i.e. after everyone finished reading call k — so one barrier per call suffices.
 */
export class SharedAllReduce {
  /** Replica count. */
  readonly replicas: number;
  /** Largest number of values one call can sum. */
  readonly capacity: number;
  private readonly counter: Int32Array;
  private readonly slots: Float64Array;
  private readonly replica: number;
  private calls = 0;

  /** Bytes of shared memory needed for `replicas` and `capacity`. */
  static byteLength(replicas: number, capacity: number): number {
    return 8 + 2 * replicas * capacity * 8;
  }

  /**
   * @param buffer - shared memory of {@link SharedAllReduce.byteLength} bytes, the same for every replica.
   * @param replica - this replica's index in [0, replicas).
   * @param aborted - checked while waiting; when it returns a message the wait ends with that error (a replica died).
   */
  constructor(
    buffer: SharedArrayBuffer,
    replicas: number,
    capacity: number,
    replica: number,
    private readonly aborted: () => string | undefined = () => undefined,
  ) {
    this.replicas = replicas;
    this.capacity = capacity;
    this.replica = replica;
    this.counter = new Int32Array(buffer, 0, 2);
    this.slots = new Float64Array(buffer, 8, 2 * replicas * capacity);
  }

  /** Sums `values` over all replicas; blocks until every replica has contributed to this call. */
  sum(values: ArrayLike<number>): Float64Array {
    const n = values.length;
    if (n > this.capacity) {
      throw new RangeError(`SharedAllReduce.sum: at most ${this.capacity} values per call; received ${n}.`);
    }
    const parity = this.calls & 1;
    const base = (parity * this.replicas + this.replica) * this.capacity;
    for (let i = 0; i < n; i++) this.slots[base + i] = values[i] as number;
    this.calls++;
    this.barrier(this.calls * this.replicas);
    const total = new Float64Array(n);
    for (let r = 0; r < this.replicas; r++) {
      const offset = (parity * this.replicas + r) * this.capacity;
      for (let i = 0; i < n; i++) total[i] = (total[i] as number) + (this.slots[offset + i] as number);
    }
    return total;
  }

  /** Wakes replicas blocked in {@link SharedAllReduce.sum} so they can notice an abort. */
  wake(): void {
    Atomics.notify(this.counter, 0);
  }

  private barrier(target: number): void {
    const arrived = Atomics.add(this.counter, 0, 1) + 1;
    if (arrived >= target) {
      Atomics.notify(this.counter, 0);
      return;
    }
    const reason = waitForCounter(this.counter, 0, target, this.aborted);
    if (reason !== undefined) throw new Error(`all-reduce abandoned: ${reason}`);
  }
}
