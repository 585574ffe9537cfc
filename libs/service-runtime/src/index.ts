export { createLogger, PinoNestLogger, type Logger } from './logger';
export { closeOnSignals } from './shutdown';
