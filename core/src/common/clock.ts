import { Global, Injectable, Module } from '@nestjs/common';

/** The time that schedules run on (webhook retries, leases, reset links); tests move it instead of sleeping. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}

/** One clock for the whole server, so a test that moves it moves every module's time. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
