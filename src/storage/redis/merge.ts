/**
 * Reading several event shards as one: a k-way merge of sources that are each already in order,
 * and an interleave of live sources in arrival order.
 */

/** Yields the items of `sources` (each sorted by `compare`) in one sorted sequence; ties go to the earlier source. */
export async function* mergeSorted<T>(sources: AsyncIterator<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T> {
  if (sources.length === 1) {
    const only = sources[0] as AsyncIterator<T>;
    for (;;) {
      const next = await only.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const heads: (T | undefined)[] = await Promise.all(sources.map(async (source) => nextValue(source)));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head === undefined) continue;
        if (best < 0 || compare(head, heads[best] as T) < 0) best = i;
      }
      if (best < 0) return;
      yield heads[best] as T;
      heads[best] = await nextValue(sources[best] as AsyncIterator<T>);
    }
  } finally {
    await Promise.all(sources.map(async (source) => source.return?.()));
  }
}

async function nextValue<T>(source: AsyncIterator<T>): Promise<T | undefined> {
  const next = await source.next();
  return next.done === true ? undefined : next.value;
}

/** Yields what each source yields as soon as it arrives; ends when every source has ended. */
export async function* interleave<T>(sources: AsyncIterator<T>[]): AsyncGenerator<T> {
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const arm = (index: number): void => {
    const source = sources[index] as AsyncIterator<T>;
    pending.set(
      index,
      source.next().then((result) => ({ index, result })),
    );
  };
  sources.forEach((_, index) => arm(index));
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    pending.delete(index);
    if (result.done === true) continue;
    arm(index);
    yield result.value;
  }
}
