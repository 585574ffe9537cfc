import pino from 'pino';
import { closeOnSignals } from './shutdown';

describe('closeOnSignals', () => {
  const logger = pino({ level: 'silent' });
  let exit: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });

  afterEach(() => {
    exit.mockRestore();
    process.removeAllListeners('SIGUSR2');
  });

  it('closes once however many signals arrive, then exits 0', async () => {
    let release: () => void = () => undefined;
    const close = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
    closeOnSignals(close, logger, ['SIGUSR2']);
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    release();
    await new Promise((r) => setImmediate(r));
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when closing fails', async () => {
    closeOnSignals(() => Promise.reject(new Error('stuck')), logger, ['SIGUSR2']);
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((r) => setImmediate(r));
    expect(exit).toHaveBeenCalledWith(1);
  });
});
