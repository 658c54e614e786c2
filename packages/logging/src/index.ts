import { pino } from 'pino';

/** Structured JSON logs; every line about an image carries `imageId`, every request line `requestId`. */
export type Logger = pino.Logger;

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything, for tests that assert on behaviour rather than logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
