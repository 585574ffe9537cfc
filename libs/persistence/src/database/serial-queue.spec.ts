import { SerialQueue } from './serial-queue';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialQueue', () => {
  it('runs tasks one at a time in arrival order, whatever their durations', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await tick(ms);
      log.push(`${name} end`);
      return name;
    };
    await expect(Promise.all([queue.run(task('a', 30)), queue.run(task('b', 1)), queue.run(task('c', 10))])).resolves.toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('keeps going after a task fails', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('rejects work queued from inside a task instead of deadlocking', async () => {
    const queue = new SerialQueue();
    await expect(queue.run(() => queue.run(async () => 'inner'))).rejects.toThrow(/would deadlock/);
    await expect(queue.run(async () => 'after')).resolves.toBe('after');
  });
});
