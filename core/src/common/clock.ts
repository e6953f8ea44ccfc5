import { Global, Injectable, Module } from '@nestjs/common';
import { Timers } from './timers';

/** The time that schedules run on (webhook retries, leases, reset links); tests move it instead of sleeping. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }

  /** `now()` as a Date, for timestamps written to the database. */
  date(): Date {
    return new Date(this.now());
  }
}

/**
 * One clock for the whole server, so a test that moves it moves every module's time; and one registry of its
 * repeating timers.
 */
@Global()
@Module({ providers: [Clock, Timers], exports: [Clock, Timers] })
export class ClockModule {}
